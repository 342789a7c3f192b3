package dev.pacha.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * An SSH public key or certificate as OpenSSH writes it ({@code ssh-ed25519 AAAA... comment}):
 * ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, the FIDO types sk-ssh-ed25519 and
 * sk-ecdsa-sha2-nistp256, and certificates of each. Two keys are equal when their blobs are.
 */
public final class SshPublicKey {
  private final String type;
  private final byte[] blob;
  private final String comment;

  private SshPublicKey(String type, byte[] blob, String comment) {
    this.type = type;
    this.blob = blob;
    this.comment = comment;
  }

  /**
   * Parses one {@code TYPE BASE64 [COMMENT]} line.
   *
   * @throws IllegalArgumentException saying what is wrong (never quoting more than the type)
   */
  public static SshPublicKey parse(String line) {
    String[] f = line.strip().split("[ \t]+", 3);
    if (f.length < 2) {
      throw new IllegalArgumentException(
          "not an SSH public key (expected 'TYPE BASE64 [COMMENT]')");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(f[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + f[0] + " key is not valid base64");
    }
    SshPublicKey key = fromBlob(blob, f.length > 2 ? f[2] : "");
    if (!key.type.equals(f[0])) {
      throw new IllegalArgumentException(
          "the key says it is " + f[0] + " but its data is " + key.type);
    }
    return key;
  }

  /** A key from its wire blob; checks that the blob is a well-formed key of a supported type. */
  public static SshPublicKey fromBlob(byte[] blob, String comment) {
    String type;
    try {
      type = new SshWire.Reader(blob).text();
      if (SshCertificate.isCertificateType(type)) {
        SshCertificate.parse(blob);
      } else {
        KeyAlgorithms.decode(blob);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a usable SSH public key: " + e.getMessage(), e);
    }
    return new SshPublicKey(type, blob.clone(), comment == null ? "" : comment.strip());
  }

  /** Whether {@code type} is a key type this class reads (plain or certificate). */
  public static boolean isKeyType(String type) {
    return KeyAlgorithms.isPlainType(type) || SshCertificate.isCertificateType(type);
  }

  public String type() {
    return type;
  }

  public byte[] blob() {
    return blob.clone();
  }

  public String comment() {
    return comment;
  }

  public boolean isCertificate() {
    return SshCertificate.isCertificateType(type);
  }

  /** The SHA256 fingerprint as ssh-keygen -l shows it ("SHA256:..."). */
  public String fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Type and fingerprint, the way a message names a key ("ssh-ed25519 SHA256:..."). */
  public String describe() {
    return type + " " + fingerprint();
  }

  /** The one-line form, {@code TYPE BASE64 [COMMENT]}. */
  public String toLine() {
    String b64 = Base64.getEncoder().encodeToString(blob);
    return comment.isEmpty() ? type + " " + b64 : type + " " + b64 + " " + comment;
  }

  SshCertificate certificate() {
    return SshCertificate.parse(blob);
  }

  /** The key that signs: the key itself, or the key inside a certificate. */
  KeyAlgorithms.Decoded signingKey() {
    return isCertificate() ? certificate().key() : KeyAlgorithms.decode(blob);
  }

  byte[] rawBlob() {
    return blob;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SshPublicKey k && Arrays.equals(blob, k.blob);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(blob);
  }

  @Override
  public String toString() {
    return describe();
  }
}
