package dev.pacha.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks that text is an unencrypted private key, without ever quoting it: messages built from the
 * result are safe to print and log.
 */
public final class PrivateKeys {
  private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
  private static final String OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
  private static final byte[] OPENSSH_MAGIC =
      "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

  private PrivateKeys() {}

  /** Why {@code key} cannot serve as the key for the master, or empty when it can. */
  public static Optional<String> problem(byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    if (!text.contains("-----BEGIN ") || !text.contains("PRIVATE KEY-----")) {
      return Optional.of("is not a private key (no '-----BEGIN ... PRIVATE KEY-----')");
    }
    // First boot has nobody to type a passphrase.
    if (passphraseProtected(key)) {
      return Optional.of("is protected by a passphrase; first boot has nobody to type it");
    }
    return Optional.empty();
  }

  /**
   * Whether {@code key} is a private key protected by a passphrase. PEM keys say ENCRYPTED in the
   * clear; OpenSSH's own format names its cipher inside the base64 body ("none" when unencrypted).
   */
  public static boolean passphraseProtected(byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    return text.contains("ENCRYPTED") || !openSshCipher(text).orElse("none").equals("none");
  }

  private static Optional<String> openSshCipher(String text) {
    int begin = text.indexOf(OPENSSH_BEGIN);
    int end = text.indexOf(OPENSSH_END);
    if (begin < 0 || end < begin) {
      return Optional.empty();
    }
    try {
      byte[] body =
          Base64.getMimeDecoder().decode(text.substring(begin + OPENSSH_BEGIN.length(), end));
      ByteBuffer b = ByteBuffer.wrap(body);
      for (byte m : OPENSSH_MAGIC) {
        if (b.get() != m) {
          return Optional.empty();
        }
      }
      byte[] cipher = new byte[b.getInt()];
      b.get(cipher);
      return Optional.of(new String(cipher, StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      // Not decodable: leave the verdict to ssh, which says more.
      return Optional.empty();
    }
  }
}
