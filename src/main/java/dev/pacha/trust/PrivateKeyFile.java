package dev.pacha.trust;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads an SSH private key file the way pacha signs with it in-process: OpenSSH's own format
 * ("openssh-key-v1") and PEM (PKCS#1 RSA, SEC1 EC, PKCS#8 RSA or EC), unencrypted. A key pacha
 * cannot use itself (a passphrase, a FIDO token, another format) is not an error here: {@link
 * #read} says why, and the caller hands the signing to ssh-keygen.
 */
final class PrivateKeyFile {
  private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

  private PrivateKeyFile() {}

  /** What reading a key file gave: a key pacha can sign with, or why it cannot. */
  sealed interface Result permits Usable, Unusable {}

  record Usable(SshPublicKey publicKey, PrivateKey privateKey) implements Result {}

  /**
   * A key that only ssh-keygen (with a passphrase, an agent or a token) can sign with; its public
   * key when the file shows it unencrypted (OpenSSH's format does), else null.
   */
  record Unusable(String why, SshPublicKey publicKey) implements Result {
    Unusable(String why) {
      this(why, null);
    }
  }

  /** Reads key text; IllegalArgumentException when it is not a private key at all or is damaged. */
  static Result read(byte[] text) {
    String s = new String(text, StandardCharsets.US_ASCII);
    String label = label(s);
    if (label == null) {
      throw new IllegalArgumentException(
          "not a private key (no '-----BEGIN ... PRIVATE KEY-----')");
    }
    try {
      switch (label) {
        case "OPENSSH PRIVATE KEY":
          return openSsh(body(s, label));
        case "RSA PRIVATE KEY":
          if (s.contains("ENCRYPTED")) {
            return new Unusable("it is protected by a passphrase");
          }
          return pkcs1(new Der(body(s, label)));
        case "EC PRIVATE KEY":
          if (s.contains("ENCRYPTED")) {
            return new Unusable("it is protected by a passphrase");
          }
          return sec1(new Der(body(s, label)), null);
        case "PRIVATE KEY":
          return pkcs8(new Der(body(s, label)));
        case "ENCRYPTED PRIVATE KEY":
          return new Unusable("it is protected by a passphrase");
        default:
          return new Unusable("pacha does not read '" + label + "' files itself");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the key is damaged: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is damaged: " + e.getMessage(), e);
    }
  }

  private static String label(String s) {
    int b = s.indexOf("-----BEGIN ");
    if (b < 0) {
      return null;
    }
    int e = s.indexOf("-----", b + 11);
    if (e < 0) {
      return null;
    }
    String label = s.substring(b + 11, e);
    return label.endsWith("PRIVATE KEY") ? label : null;
  }

  /** The base64 body between the armor lines, without PEM headers ("Proc-Type: ..."). */
  private static byte[] body(String s, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = s.indexOf(begin);
    int e = s.indexOf(end, b);
    if (e < 0) {
      throw new IllegalArgumentException("no " + end + " line");
    }
    StringBuilder b64 = new StringBuilder();
    for (String line : s.substring(b + begin.length(), e).split("\r?\n")) {
      if (!line.contains(":")) {
        b64.append(line.strip());
      }
    }
    return Base64.getDecoder().decode(b64.toString());
  }

  private static Result openSsh(byte[] blob) throws GeneralSecurityException {
    SshWire.Reader r = new SshWire.Reader(blob);
    if (!Arrays.equals(r.raw(MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not an openssh-key-v1 key");
    }
    String cipher = r.text();
    r.text(); // kdf name
    r.string(); // kdf options
    if (r.u32() != 1) {
      throw new IllegalArgumentException("the file holds more than one key");
    }
    SshPublicKey pub = SshPublicKey.fromBlob(r.string(), "");
    if (!cipher.equals("none")) {
      return new Unusable("it is protected by a passphrase", pub);
    }
    SshWire.Reader p = new SshWire.Reader(r.string());
    if (p.u32() != p.u32()) {
      throw new IllegalArgumentException("its check bytes differ");
    }
    String type = p.text();
    if (!type.equals(pub.type())) {
      throw new IllegalArgumentException(
          "its private part is " + type + ", its public " + pub.type());
    }
    PrivateKey key;
    switch (type) {
      case KeyAlgorithms.ED25519:
        {
          p.string(); // public
          byte[] sk = p.string(); // seed || public
          if (sk.length != 64) {
            throw new IllegalArgumentException("an Ed25519 private key is 64 bytes");
          }
          key =
              KeyFactory.getInstance("Ed25519")
                  .generatePrivate(
                      new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(sk, 32)));
          break;
        }
      case KeyAlgorithms.RSA:
        {
          BigInteger n = p.mpint();
          BigInteger e = p.mpint();
          BigInteger d = p.mpint();
          BigInteger iqmp = p.mpint();
          BigInteger pp = p.mpint();
          BigInteger q = p.mpint();
          key = rsa(n, e, d, pp, q, iqmp);
          break;
        }
      case KeyAlgorithms.SK_ED25519:
      case KeyAlgorithms.SK_ECDSA:
        return new Unusable("it lives on a FIDO security key", pub);
      default:
        if (!type.startsWith("ecdsa-sha2-")) {
          return new Unusable("pacha does not sign with " + type + " keys itself");
        }
        p.text(); // curve
        p.string(); // public point
        BigInteger d = p.mpint();
        ECParameterSpec params = KeyAlgorithms.params(pub.signingKey().curve());
        key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, params));
    }
    return new Usable(withComment(pub, p.text()), key);
  }

  private static SshPublicKey withComment(SshPublicKey pub, String comment) {
    return SshPublicKey.fromBlob(pub.rawBlob(), comment);
  }

  private static PrivateKey rsa(
      BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger iqmp)
      throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA")
        .generatePrivate(
            new RSAPrivateCrtKeySpec(
                n,
                e,
                d,
                p,
                q,
                d.mod(p.subtract(BigInteger.ONE)),
                d.mod(q.subtract(BigInteger.ONE)),
                iqmp));
  }

  /** PKCS#1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv. */
  private static Result pkcs1(Der der) throws GeneralSecurityException {
    Der s = der.sequence();
    s.integer();
    BigInteger n = s.integer();
    BigInteger e = s.integer();
    BigInteger d = s.integer();
    BigInteger p = s.integer();
    BigInteger q = s.integer();
    s.integer();
    s.integer();
    BigInteger qinv = s.integer();
    PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    return new Usable(
        SshPublicKey.fromBlob(KeyAlgorithms.blobOf(pub), ""), rsa(n, e, d, p, q, qinv));
  }

  /** SEC1 ECPrivateKey: version, d, [0] curve, [1] public point. */
  private static Result sec1(Der der, String curveOid) throws GeneralSecurityException {
    Der s = der.sequence();
    s.integer();
    BigInteger d = new BigInteger(1, s.octets());
    byte[] point = null;
    while (!s.done()) {
      if (s.peekTag() == 0xa0) {
        curveOid = s.explicit(0).oid();
      } else if (s.peekTag() == 0xa1) {
        point = s.explicit(1).bitString();
      } else {
        s.skip();
      }
    }
    if (curveOid == null) {
      throw new IllegalArgumentException("the EC key names no curve");
    }
    String curve =
        switch (curveOid) {
          case "1.2.840.10045.3.1.7" -> "nistp256";
          case "1.3.132.0.34" -> "nistp384";
          case "1.3.132.0.35" -> "nistp521";
          default -> null;
        };
    if (curve == null) {
      return new Unusable("its EC curve " + curveOid + " is not one SSH uses");
    }
    if (point == null) {
      return new Unusable("the file holds no public key");
    }
    byte[] blob =
        new SshWire.Writer().string("ecdsa-sha2-" + curve).string(curve).string(point).bytes();
    SshPublicKey pub = SshPublicKey.fromBlob(blob, "");
    ECParameterSpec params = KeyAlgorithms.params(pub.signingKey().curve());
    return new Usable(
        pub, KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, params)));
  }

  /** PKCS#8 PrivateKeyInfo: version, algorithm, the key in its own format. */
  private static Result pkcs8(Der der) throws GeneralSecurityException {
    Der s = der.sequence();
    s.integer();
    Der alg = s.sequence();
    String oid = alg.oid();
    byte[] key = s.octets();
    switch (oid) {
      case "1.2.840.113549.1.1.1":
        return pkcs1(new Der(key));
      case "1.2.840.10045.2.1":
        return sec1(new Der(key), alg.done() ? null : alg.oid());
      default:
        return new Unusable("pacha does not sign with PKCS#8 keys of algorithm " + oid + " itself");
    }
  }
}
