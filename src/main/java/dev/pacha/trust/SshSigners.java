package dev.pacha.trust;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.transport.PrivateKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where signers come from. pacha signs in-process with an unencrypted key file it can read
 * (openssh-key-v1, or PEM RSA/EC; Ed25519, ECDSA P-256/384/521, RSA): that is what a host does with
 * its own key, unattended. Every other key goes through {@code ssh-keygen -Y sign}, which already
 * knows how to ask for a passphrase, use an ssh-agent, a certificate or a FIDO token: that is for
 * an operator at a terminal signing hooks. A private key file open to group or others is refused
 * either way, as ssh refuses it.
 */
public final class SshSigners {
  private SshSigners() {}

  /**
   * A signer that needs nobody: an unencrypted private key file pacha reads itself.
   *
   * @throws PachaException a usage error (exit 2) naming the file and why it cannot sign unattended
   */
  public static SshSigner unattended(Path keyFile) {
    byte[] text = readPrivate(keyFile);
    PrivateKeyFile.Result result = parse(keyFile, text);
    if (result instanceof PrivateKeyFile.Usable u) {
      return new KeyFileSigner(u.publicKey(), u.privateKey());
    }
    throw PachaException.usage(
        "SSH key "
            + keyFile
            + " cannot sign with nobody at hand: "
            + ((PrivateKeyFile.Unusable) result).why()
            + "; give a key without a passphrase (ssh-keygen -t ed25519 -N '')");
  }

  /**
   * A signer for an operator: in-process when pacha can read the key, else {@code ssh-keygen -Y
   * sign}. {@code key} may be a private key file, or a public key or certificate file whose private
   * half is in the ssh-agent or beside it.
   */
  public static SshSigner forOperator(Path key, Reporter reporter) {
    return forOperator(key, Map.of(), reporter);
  }

  /** As {@link #forOperator(Path, Reporter)}, with extra environment for ssh-keygen (tests). */
  static SshSigner forOperator(Path key, Map<String, String> env, Reporter reporter) {
    byte[] text = read(key);
    String s = new String(text, StandardCharsets.UTF_8).strip();
    if (!s.startsWith("-----BEGIN ")) {
      SshPublicKey pub;
      try {
        pub = SshPublicKey.parse(s);
      } catch (IllegalArgumentException e) {
        throw PachaException.usage(
            key + " is neither a private key nor an SSH public key: " + e.getMessage());
      }
      return new SshKeygenSigner(key, pub, env, reporter);
    }
    PrivateKeys.requireOwnerOnly(key);
    PrivateKeyFile.Result result = parse(key, text);
    if (result instanceof PrivateKeyFile.Usable u) {
      return new KeyFileSigner(u.publicKey(), u.privateKey());
    }
    SshPublicKey pub = ((PrivateKeyFile.Unusable) result).publicKey();
    if (pub == null) {
      Path beside = key.resolveSibling(key.getFileName() + ".pub");
      if (!Files.isRegularFile(beside)) {
        throw PachaException.usage(
            "SSH key "
                + key
                + ": "
                + ((PrivateKeyFile.Unusable) result).why()
                + " and there is no "
                + beside
                + " to say which key it is; write it with ssh-keygen -y -f "
                + key
                + " > "
                + beside);
      }
      try {
        pub = SshPublicKey.parse(new String(read(beside), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw PachaException.usage(beside + " is not an SSH public key: " + e.getMessage());
      }
    }
    return new SshKeygenSigner(key, pub, env, reporter);
  }

  private static byte[] readPrivate(Path key) {
    PrivateKeys.requireOwnerOnly(key);
    return read(key);
  }

  private static byte[] read(Path key) {
    try {
      return Files.readAllBytes(key);
    } catch (IOException e) {
      throw PachaException.usage("cannot read SSH key " + key + ": " + why(e));
    }
  }

  static String why(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage();
  }

  private static PrivateKeyFile.Result parse(Path key, byte[] text) {
    try {
      return PrivateKeyFile.read(text);
    } catch (IllegalArgumentException e) {
      throw PachaException.usage("SSH key " + key + ": " + e.getMessage());
    }
  }
}
