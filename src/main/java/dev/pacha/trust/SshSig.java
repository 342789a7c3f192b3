package dev.pacha.trust;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The SSHSIG format of OpenSSH's PROTOCOL.sshsig, what {@code ssh-keygen -Y sign} writes: a
 * signature over a hash of the message, bound to a namespace, with the signer's public key inside,
 * armored as {@code -----BEGIN SSH SIGNATURE-----}.
 */
final class SshSig {
  static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  static final String END = "-----END SSH SIGNATURE-----";
  static final String HASH = "sha512";
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int LINE = 70;

  private SshSig() {}

  /** A parsed signature file. */
  record Parsed(byte[] publicKey, String namespace, String hashAlgorithm, byte[] signature) {}

  /** The bytes the key signs: magic, namespace, hash algorithm and the message's hash. */
  static byte[] toBeSigned(String namespace, String hashAlgorithm, byte[] message) {
    return new SshWire.Writer()
        .raw(MAGIC)
        .string(namespace)
        .string("")
        .string(hashAlgorithm)
        .string(hash(hashAlgorithm, message))
        .bytes();
  }

  static byte[] hash(String algorithm, byte[] message) {
    String jdk =
        switch (algorithm) {
          case "sha512" -> "SHA-512";
          case "sha256" -> "SHA-256";
          default ->
              throw new IllegalArgumentException(
                  "unsupported hash algorithm " + algorithm + " (sha256 or sha512)");
        };
    try {
      return MessageDigest.getInstance(jdk).digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String armor(byte[] publicKey, String namespace, String hashAlgorithm, byte[] signature) {
    byte[] blob =
        new SshWire.Writer()
            .raw(MAGIC)
            .u32(VERSION)
            .string(publicKey)
            .string(namespace)
            .string("")
            .string(hashAlgorithm)
            .string(signature)
            .bytes();
    String b64 = Base64.getEncoder().encodeToString(blob);
    StringBuilder sb = new StringBuilder(BEGIN).append('\n');
    for (int i = 0; i < b64.length(); i += LINE) {
      sb.append(b64, i, Math.min(b64.length(), i + LINE)).append('\n');
    }
    return sb.append(END).append('\n').toString();
  }

  /** Parses an armored signature; IllegalArgumentException saying what is wrong. */
  static Parsed parse(byte[] armored) {
    String text = new String(armored, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(BEGIN)) {
      throw new IllegalArgumentException("it does not start with " + BEGIN);
    }
    int end = text.indexOf(END);
    if (end < 0) {
      throw new IllegalArgumentException("it has no " + END + " line");
    }
    if (!text.substring(end + END.length()).isBlank()) {
      throw new IllegalArgumentException("text follows the " + END + " line");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(text.substring(BEGIN.length(), end).replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its body is not valid base64");
    }
    SshWire.Reader r = new SshWire.Reader(blob);
    if (!java.util.Arrays.equals(r.raw(MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("it does not start with the SSHSIG magic");
    }
    long version = r.u32();
    if (version != VERSION) {
      throw new IllegalArgumentException("it is SSHSIG version " + version + ", not 1");
    }
    byte[] key = r.string();
    String namespace = r.text();
    r.string(); // reserved
    String hash = r.text();
    byte[] signature = r.string();
    r.end();
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException("its namespace is empty");
    }
    return new Parsed(key, namespace, hash, signature);
  }
}
