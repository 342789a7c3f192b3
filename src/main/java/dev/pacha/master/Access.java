package dev.pacha.master;

import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * What one logged-in session may see: one host's directory, or (admin) every host's.
 *
 * @param host the host whose directory this session owns; null for an admin key
 * @param key the key it logged in with, checked again at every request ({@link KeyFiles})
 */
record Access(String host, PublicKey key) {
  /** Kept on the SSH session by {@link KeyAuthenticator}, read by {@link HostViewAccessor}. */
  static final AttributeKey<Access> KEY = new AttributeKey<>();

  static Access admin(PublicKey key) {
    return new Access(null, key);
  }

  boolean admin() {
    return host == null;
  }

  @Override
  public String toString() {
    return admin() ? "admin" : "host " + host;
  }
}
