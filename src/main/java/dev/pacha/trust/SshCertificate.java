package dev.pacha.trust;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OpenSSH certificate (PROTOCOL.certkeys): a key, who it is for and when, signed by a
 * certificate authority. Parsing checks the CA's signature, as OpenSSH does, so a parsed
 * certificate was really issued by {@link #signatureKey()}.
 */
record SshCertificate(
    String type,
    byte[] plainKey,
    KeyAlgorithms.Decoded key,
    long serial,
    int certType,
    String keyId,
    List<String> principals,
    long validAfter,
    long validBefore,
    byte[] signatureKey) {

  static final int USER = 1;
  static final int HOST = 2;

  private static final Map<String, String> PLAIN =
      Map.of(
          "ssh-ed25519-cert-v01@openssh.com", KeyAlgorithms.ED25519,
          "ssh-rsa-cert-v01@openssh.com", KeyAlgorithms.RSA,
          "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
          "sk-ssh-ed25519-cert-v01@openssh.com", KeyAlgorithms.SK_ED25519,
          "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", KeyAlgorithms.SK_ECDSA);

  static boolean isCertificateType(String type) {
    return PLAIN.containsKey(type);
  }

  /** Parses a certificate blob and checks its CA signature; IllegalArgumentException if bad. */
  static SshCertificate parse(byte[] blob) {
    SshWire.Reader r = new SshWire.Reader(blob);
    String type = r.text();
    String plainType = PLAIN.get(type);
    if (plainType == null) {
      throw new IllegalArgumentException("unsupported certificate type " + type);
    }
    r.string(); // nonce
    int fieldsStart = r.position();
    KeyAlgorithms.Decoded key = KeyAlgorithms.decodeFields(plainType, r);
    byte[] fields = java.util.Arrays.copyOfRange(blob, fieldsStart, r.position());
    byte[] plainKey = new SshWire.Writer().string(plainType).raw(fields).bytes();
    long serial = r.u64();
    int certType = (int) r.u32();
    String keyId = r.text();
    List<String> principals = new ArrayList<>();
    SshWire.Reader p = new SshWire.Reader(r.string());
    while (!p.done()) {
      principals.add(p.text());
    }
    long validAfter = r.u64();
    long validBefore = r.u64();
    r.string(); // critical options: none apply to a signature (OpenSSH ignores them here too)
    r.string(); // extensions
    r.string(); // reserved
    byte[] signatureKey = r.string();
    int signedEnd = r.position();
    byte[] signature = r.string();
    r.end();
    String caType = new SshWire.Reader(signatureKey).text();
    if (!KeyAlgorithms.isPlainType(caType)) {
      throw new IllegalArgumentException("certificate signed by a " + caType + " key");
    }
    try {
      KeyAlgorithms.verify(
          KeyAlgorithms.decode(signatureKey),
          signature,
          java.util.Arrays.copyOfRange(blob, 0, signedEnd));
    } catch (KeyAlgorithms.SignatureMismatch e) {
      throw new IllegalArgumentException("the certificate's CA signature does not match");
    }
    return new SshCertificate(
        type,
        plainKey,
        key,
        serial,
        certType,
        keyId,
        List.copyOf(principals),
        validAfter,
        validBefore,
        signatureKey);
  }

  /** Why this certificate cannot sign for {@code principal} at {@code now}; null when it can. */
  String problemFor(String principal, Instant now) {
    if (certType != USER) {
      return "it is a host certificate, not a user certificate";
    }
    long t = now.getEpochSecond();
    if (Long.compareUnsigned(t, validAfter) < 0) {
      return "it is not valid before " + time(validAfter);
    }
    if (Long.compareUnsigned(t, validBefore) >= 0) {
      return "it expired at " + time(validBefore);
    }
    if (principals.isEmpty()) {
      return "it lists no principals";
    }
    if (!principals.contains(principal)) {
      return "it is for " + String.join(",", principals) + ", not " + principal;
    }
    return null;
  }

  private static String time(long seconds) {
    return seconds < 0 ? "forever" : Instant.ofEpochSecond(seconds).toString();
  }
}
