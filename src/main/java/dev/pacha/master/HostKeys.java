package dev.pacha.master;

import dev.pacha.PachaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The master's own SSH key: made on first start and kept in a 0600 file (OpenSSH format, so {@code
 * ssh-keygen -l -f} reads it), so that restarts show hosts the same key they pinned.
 */
final class HostKeys {
  private HostKeys() {}

  /** The key pair and whether this start made it. */
  record Loaded(KeyPair pair, boolean created) {
    String type() {
      return KeyUtils.getKeyType(pair.getPublic());
    }

    /** SHA256:... as OpenSSH shows it. */
    String fingerprint() {
      return KeyUtils.getFingerPrint(pair.getPublic());
    }

    /** "ssh-ed25519 AAAA...", the public half as known_hosts and authorized_keys write it. */
    String publicLine() {
      return PublicKeyEntry.toString(pair.getPublic());
    }
  }

  /** An existing key, as the master would use it (a key readable by others is refused). */
  static Loaded load(Path file, boolean created) {
    return new Loaded(load(file), created);
  }

  static Loaded loadOrCreate(Path file) {
    if (Files.exists(file)) {
      return new Loaded(load(file), false);
    }
    KeyPair pair = generate();
    try {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "pacha master", null, text);
      MasterKeys.writePrivate(file, text.toString(StandardCharsets.UTF_8));
    } catch (IOException | GeneralSecurityException e) {
      throw PachaException.failed(
          "cannot write the master's host key to "
              + file
              + ": "
              + e.getMessage()
              + "; check that the directory is writable, or choose another with --host-key",
          e);
    }
    return new Loaded(pair, true);
  }

  /**
   * Makes a key pair for a host to log in with (the demo uses it, so that nothing but Java is
   * needed): the private key in OpenSSH format, 0600, and KEY.pub beside it.
   *
   * @return the public line ("ssh-ed25519 AAAA... comment")
   */
  static String generateClientKey(Path privateKey, String comment) {
    KeyPair pair = generate();
    try {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, text);
      MasterKeys.writePrivate(privateKey, text.toString(StandardCharsets.UTF_8));
      String pub = PublicKeyEntry.toString(pair.getPublic()) + " " + comment;
      Files.writeString(privateKey.resolveSibling(privateKey.getFileName() + ".pub"), pub + "\n");
      return pub;
    } catch (IOException | GeneralSecurityException e) {
      throw PachaException.failed("cannot write a key to " + privateKey + ": " + e.getMessage(), e);
    }
  }

  /** ed25519 where MINA can do it (it needs the EdDSA provider), else RSA 3072. */
  private static KeyPair generate() {
    try {
      if (SecurityUtils.isEDDSACurveSupported()) {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
      }
      return KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 3072);
    } catch (GeneralSecurityException e) {
      throw PachaException.failed("cannot generate a host key: " + e.getMessage(), e);
    }
  }

  private static KeyPair load(Path file) {
    String fix =
        "; restore it from a backup (hosts have pinned it), or move it away so a new one is made"
            + " (hosts must then pin the new one)";
    Iterable<KeyPair> pairs;
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw PachaException.usage(
            "the master's host key " + file + " is readable by others; chmod 600 " + file);
      }
      try (InputStream in = Files.newInputStream(file)) {
        pairs =
            SecurityUtils.loadKeyPairIdentities(
                null, NamedResource.ofName(file.toString()), in, null);
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw PachaException.usage(
          "cannot read the master's host key " + file + ": " + e.getMessage() + fix);
    }
    Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
    if (it == null || !it.hasNext()) {
      throw PachaException.usage("the master's host key " + file + " holds no key" + fix);
    }
    return it.next();
  }
}
