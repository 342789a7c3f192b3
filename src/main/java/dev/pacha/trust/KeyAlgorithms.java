package dev.pacha.trust;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Map;

/**
 * The key types pacha signs and verifies with, in plain JDK crypto: Ed25519, ECDSA on the three
 * NIST curves and RSA (Java 17 has all of them), and verification of the two FIDO types
 * (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256), whose signatures a security key makes.
 */
final class KeyAlgorithms {
  static final String ED25519 = "ssh-ed25519";
  static final String RSA = "ssh-rsa";
  static final String SK_ED25519 = "sk-ssh-ed25519@openssh.com";
  static final String SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com";

  /** A security key sets this flag when it was touched for the signature. */
  static final int SK_USER_PRESENT = 0x01;

  /** ECDSA: the SSH curve name, the JDK's name, the digest and the field size in bytes. */
  record Curve(String ssh, String jdk, String digest, int size) {}

  private static final Map<String, Curve> CURVES =
      Map.of(
          "nistp256", new Curve("nistp256", "secp256r1", "SHA256", 32),
          "nistp384", new Curve("nistp384", "secp384r1", "SHA384", 48),
          "nistp521", new Curve("nistp521", "secp521r1", "SHA512", 66));

  private KeyAlgorithms() {}

  /** A decoded plain (not certificate) public key. */
  record Decoded(String type, PublicKey key, Curve curve, byte[] application) {
    boolean isSecurityKey() {
      return application != null;
    }
  }

  static boolean isPlainType(String type) {
    return type.equals(ED25519)
        || type.equals(RSA)
        || type.equals(SK_ED25519)
        || type.equals(SK_ECDSA)
        || (type.startsWith("ecdsa-sha2-") && CURVES.containsKey(type.substring(11)));
  }

  /** Decodes a plain key blob; a malformed or unsupported one is an IllegalArgumentException. */
  static Decoded decode(byte[] blob) {
    SshWire.Reader r = new SshWire.Reader(blob);
    String type = r.text();
    Decoded d = decodeFields(type, r);
    r.end();
    return d;
  }

  /** Decodes the fields that follow the type name, for a plain key or inside a certificate. */
  static Decoded decodeFields(String type, SshWire.Reader r) {
    try {
      switch (type) {
        case ED25519:
          return new Decoded(type, ed25519(r.string()), null, null);
        case SK_ED25519:
          {
            PublicKey k = ed25519(r.string());
            return new Decoded(type, k, null, r.string());
          }
        case RSA:
          {
            BigInteger e = r.mpint();
            BigInteger n = r.mpint();
            if (n.bitLength() < 1024) {
              throw new IllegalArgumentException("RSA keys under 1024 bits are refused");
            }
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            return new Decoded(type, k, null, null);
          }
        case SK_ECDSA:
          {
            Curve c = curve(r.text());
            if (!c.ssh().equals("nistp256")) {
              throw new IllegalArgumentException(type + " names curve " + c.ssh());
            }
            PublicKey k = ecPoint(c, r.string());
            return new Decoded(type, k, c, r.string());
          }
        default:
          if (type.startsWith("ecdsa-sha2-")) {
            Curve c = curve(r.text());
            if (!type.equals("ecdsa-sha2-" + c.ssh())) {
              throw new IllegalArgumentException(type + " names curve " + c.ssh());
            }
            return new Decoded(type, ecPoint(c, r.string()), c, null);
          }
          throw new IllegalArgumentException("unsupported key type " + type);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid " + type + " key: " + e.getMessage(), e);
    }
  }

  private static Curve curve(String name) {
    Curve c = CURVES.get(name);
    if (c == null) {
      throw new IllegalArgumentException("unsupported curve " + name);
    }
    return c;
  }

  static PublicKey ed25519(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new IllegalArgumentException("an Ed25519 key is 32 bytes, not " + raw.length);
    }
    // RFC 8032: little-endian y, the top bit of the last byte is the parity of x.
    byte[] le = raw.clone();
    boolean xOdd = (le[31] & 0x80) != 0;
    le[31] &= 0x7f;
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(
            new EdECPublicKeySpec(
                NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
  }

  static ECParameterSpec params(Curve c) throws GeneralSecurityException {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec(c.jdk()));
    return p.getParameterSpec(ECParameterSpec.class);
  }

  private static PublicKey ecPoint(Curve c, byte[] q) throws GeneralSecurityException {
    if (q.length != 1 + 2 * c.size() || q[0] != 4) {
      throw new IllegalArgumentException("not an uncompressed " + c.ssh() + " point");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + c.size()));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(q, 1 + c.size(), q.length));
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params(c)));
  }

  /** The SSH curve name of a JDK EC key ("nistp256"), for keys read from PEM files. */
  static String curveName(ECParameterSpec spec) {
    int bits = spec.getCurve().getField().getFieldSize();
    for (Curve c : CURVES.values()) {
      if ((bits + 7) / 8 == c.size()) {
        return c.ssh();
      }
    }
    throw new IllegalArgumentException("unsupported EC curve of " + bits + " bits");
  }

  /** The SSH public key blob of a JDK RSA or EC public key. */
  static byte[] blobOf(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new SshWire.Writer()
          .string(RSA)
          .mpint(rsa.getPublicExponent())
          .mpint(rsa.getModulus())
          .bytes();
    }
    if (key instanceof ECPublicKey ec) {
      String name = curveName(ec.getParams());
      int size = CURVES.get(name).size();
      byte[] q = new byte[1 + 2 * size];
      q[0] = 4;
      fixed(ec.getW().getAffineX(), q, 1, size);
      fixed(ec.getW().getAffineY(), q, 1 + size, size);
      return new SshWire.Writer().string("ecdsa-sha2-" + name).string(name).string(q).bytes();
    }
    throw new IllegalArgumentException("unsupported key " + key.getAlgorithm());
  }

  private static void fixed(BigInteger v, byte[] out, int off, int size) {
    byte[] b = v.toByteArray();
    int skip = b.length > size ? b.length - size : 0;
    System.arraycopy(b, skip, out, off + size - (b.length - skip), b.length - skip);
  }

  /** What a signature blob says about itself, for checks beyond the maths. */
  record SigInfo(String algorithm, int skFlags) {}

  /**
   * Verifies an SSH signature blob ({@code string algorithm, string signature[, sk fields]}) by
   * {@code key} over {@code data}. False for a signature that does not match; an
   * IllegalArgumentException for one that is malformed or made with an algorithm the key type does
   * not allow (RSA with SHA-1, for one).
   */
  static SigInfo verify(Decoded key, byte[] signature, byte[] data) throws SignatureMismatch {
    SshWire.Reader r = new SshWire.Reader(signature);
    String alg = r.text();
    byte[] sig = r.string();
    try {
      switch (key.type()) {
        case ED25519:
          expect(alg, ED25519);
          r.end();
          check(jdk("Ed25519", key.key(), data, sig));
          return new SigInfo(alg, -1);
        case SK_ED25519:
          {
            expect(alg, SK_ED25519);
            int flags = r.u8();
            long counter = r.u32();
            r.end();
            check(jdk("Ed25519", key.key(), skData(key.application(), flags, counter, data), sig));
            return new SigInfo(alg, flags);
          }
        case SK_ECDSA:
          {
            expect(alg, SK_ECDSA);
            int flags = r.u8();
            long counter = r.u32();
            r.end();
            byte[] p1363 = p1363(key.curve(), sig);
            check(
                jdk(
                    "SHA256withECDSAinP1363Format",
                    key.key(),
                    skData(key.application(), flags, counter, data),
                    p1363));
            return new SigInfo(alg, flags);
          }
        case RSA:
          {
            r.end();
            String jdkAlg =
                switch (alg) {
                  case "rsa-sha2-512" -> "SHA512withRSA";
                  case "rsa-sha2-256" -> "SHA256withRSA";
                  default ->
                      throw new IllegalArgumentException(
                          "RSA signature algorithm " + alg + " is refused (only rsa-sha2-256/512)");
                };
            int len = (((RSAPublicKey) key.key()).getModulus().bitLength() + 7) / 8;
            if (sig.length > len) {
              throw new IllegalArgumentException("RSA signature longer than the key");
            }
            // OpenSSH accepts a signature with its leading zero bytes left out; the JDK does not.
            byte[] padded = new byte[len];
            System.arraycopy(sig, 0, padded, len - sig.length, sig.length);
            check(jdk(jdkAlg, key.key(), data, padded));
            return new SigInfo(alg, -1);
          }
        default:
          expect(alg, key.type());
          r.end();
          check(
              jdk(
                  key.curve().digest() + "withECDSAinP1363Format",
                  key.key(),
                  data,
                  p1363(key.curve(), sig)));
          return new SigInfo(alg, -1);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot check a " + alg + " signature: " + e.getMessage());
    }
  }

  /** The signature does not match the data: the data or the signature was changed. */
  static final class SignatureMismatch extends Exception {
    private static final long serialVersionUID = 1L;

    SignatureMismatch() {
      super("signature mismatch");
    }
  }

  private static void check(boolean ok) throws SignatureMismatch {
    if (!ok) {
      throw new SignatureMismatch();
    }
  }

  private static void expect(String alg, String wanted) {
    if (!alg.equals(wanted)) {
      throw new IllegalArgumentException("a " + alg + " signature from a " + wanted + " key");
    }
  }

  private static boolean jdk(String alg, PublicKey key, byte[] data, byte[] sig)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(alg);
    s.initVerify(key);
    s.update(data);
    try {
      return s.verify(sig);
    } catch (java.security.SignatureException e) {
      // A signature of the wrong length or encoding does not match, whatever its cause.
      return false;
    }
  }

  /** What a security key signs: hashes of the application and the data, its flags and counter. */
  private static byte[] skData(byte[] application, int flags, long counter, byte[] data)
      throws GeneralSecurityException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] app = sha.digest(application);
    byte[] msg = sha.digest(data);
    return new SshWire.Writer().raw(app).u8(flags).u32(counter).raw(msg).bytes();
  }

  /** An SSH ECDSA signature ({@code mpint r, mpint s}) as the JDK's fixed-size r || s. */
  private static byte[] p1363(Curve c, byte[] sig) {
    SshWire.Reader r = new SshWire.Reader(sig);
    BigInteger rr = r.mpint();
    BigInteger ss = r.mpint();
    r.end();
    if (rr.signum() <= 0
        || ss.signum() <= 0
        || rr.bitLength() > c.size() * 8
        || ss.bitLength() > c.size() * 8) {
      throw new IllegalArgumentException("ECDSA signature values out of range");
    }
    byte[] out = new byte[2 * c.size()];
    fixed(rr, out, 0, c.size());
    fixed(ss, out, c.size(), c.size());
    return out;
  }

  /** Signs {@code data} with a private key of an SSH key type; returns the SSH signature blob. */
  static byte[] sign(String type, PrivateKey key, byte[] data) throws GeneralSecurityException {
    if (type.equals(ED25519)) {
      return new SshWire.Writer().string(ED25519).string(sig("Ed25519", key, data)).bytes();
    }
    if (type.equals(RSA)) {
      return new SshWire.Writer()
          .string("rsa-sha2-512")
          .string(sig("SHA512withRSA", key, data))
          .bytes();
    }
    if (type.startsWith("ecdsa-sha2-")) {
      Curve c = curve(type.substring(11));
      byte[] rs = sig(c.digest() + "withECDSAinP1363Format", key, data);
      byte[] inner =
          new SshWire.Writer()
              .mpint(new BigInteger(1, Arrays.copyOfRange(rs, 0, c.size())))
              .mpint(new BigInteger(1, Arrays.copyOfRange(rs, c.size(), rs.length)))
              .bytes();
      return new SshWire.Writer().string(type).string(inner).bytes();
    }
    throw new IllegalArgumentException("pacha cannot sign with a " + type + " key itself");
  }

  private static byte[] sig(String alg, PrivateKey key, byte[] data)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(data);
    return s.sign();
  }
}
