package dev.pacha.transport;

import dev.pacha.PachaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Checks on private key files: that text is an unencrypted private key, without ever quoting it
 * (messages built from the result are safe to print and log), and that a key file is private to its
 * owner, as ssh insists.
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

  /**
   * Refuses a private key file that its group or others may read, write or execute, as ssh does
   * ("UNPROTECTED PRIVATE KEY FILE"): such a key may already be in other hands, and a key others
   * can write may have been swapped. Unlike ssh, which checks only keys the user owns, this holds
   * whoever owns the file. A file system without POSIX modes is not checked.
   *
   * @throws PachaException a usage error (exit code 2) naming the file, its mode and the chmod
   */
  public static void requireOwnerOnly(Path key) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(key);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (IOException e) {
      // Unreadable or gone: whoever reads the key next says so with the real cause.
      return;
    }
    int mode = mode(perms);
    if ((mode & 0077) != 0) {
      throw PachaException.usage(
          "SSH key "
              + key
              + " has mode "
              + String.format("%04o", mode)
              + ", open to "
              + (((mode & 0070) != 0 && (mode & 0007) != 0)
                  ? "group and others"
                  : (mode & 0070) != 0 ? "its group" : "others")
              + "; ssh refuses such a key and so does pacha: run chmod 600 "
              + key);
    }
  }

  static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 0400 >> p.ordinal();
    }
    return mode;
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
