package dev.pacha.master;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * What one logged-in session may see: one host's directory, or (admin) every host's.
 *
 * @param host the host whose directory this session owns; null for an admin key
 */
record Access(String host) {
  /** Kept on the SSH session by {@link KeyAuthenticator}, read by {@link HostViewAccessor}. */
  static final AttributeKey<Access> KEY = new AttributeKey<>();

  static final Access ADMIN = new Access(null);

  boolean admin() {
    return host == null;
  }

  @Override
  public String toString() {
    return admin() ? "admin" : "host " + host;
  }
}
