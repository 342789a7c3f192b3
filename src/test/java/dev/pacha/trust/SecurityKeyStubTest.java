package dev.pacha.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures by a FIDO security key (sk-ssh-ed25519@openssh.com), which operators may use to sign
 * hooks. No token can be plugged in here, so the test plays the token with the JDK's Ed25519 (a
 * stub of the token, hence the name), and the real ssh-keygen -Y verify judges the result, so
 * pacha's reading of the format is held to OpenSSH's.
 */
class SecurityKeyStubTest {
  private static final byte[] DATA = "hooks\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] APPLICATION = "ssh:".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tmp;

  private final KeyPair token = tokenKey();

  private static KeyPair tokenKey() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] keyBlob() {
    EdECPublicKey pub = (EdECPublicKey) token.getPublic();
    byte[] be = pub.getPoint().getY().toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < be.length && i < 32; i++) {
      le[i] = be[be.length - 1 - i];
    }
    if (pub.getPoint().isXOdd()) {
      le[31] |= (byte) 0x80;
    }
    return new SshWire.Writer()
        .string(KeyAlgorithms.SK_ED25519)
        .string(le)
        .string(APPLICATION)
        .bytes();
  }

  /** What the token does: sign the hashes of application and message with flags and counter. */
  private String sign(String namespace, int flags) throws Exception {
    byte[] message = SshSig.toBeSigned(namespace, SshSig.HASH, DATA);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] signed =
        new SshWire.Writer()
            .raw(sha.digest(APPLICATION))
            .u8(flags)
            .u32(7)
            .raw(sha.digest(message))
            .bytes();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(token.getPrivate());
    s.update(signed);
    byte[] sig =
        new SshWire.Writer()
            .string(KeyAlgorithms.SK_ED25519)
            .string(s.sign())
            .u8(flags)
            .u32(7)
            .bytes();
    return SshSig.armor(keyBlob(), namespace, SshSig.HASH, sig);
  }

  private String allowed() {
    return "alice "
        + KeyAlgorithms.SK_ED25519
        + " "
        + Base64.getEncoder().encodeToString(keyBlob());
  }

  @Test
  void verify_stubTokenSignatureWithTouch_acceptedByPachaAndSshKeygen() throws Exception {
    String sig = sign("pacha-hooks", KeyAlgorithms.SK_USER_PRESENT);
    Tools.Result theirs =
        Keys.sshKeygenVerify(
            tmp, allowed(), "alice", "pacha-hooks", DATA, sig.getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, theirs.code(), theirs.output());

    AllowedSigners.Verified v =
        AllowedSigners.parse(allowed(), "ops")
            .verify(
                new AllowedSigners.SignedFile(
                    "hooks.json", DATA, "hooks.json.sig", sig.getBytes(StandardCharsets.US_ASCII)),
                "pacha-hooks",
                "alice");
    assertEquals(KeyAlgorithms.SK_ED25519, v.key().type());
  }

  @Test
  void verify_stubTokenSignatureWithoutTouch_refused() throws Exception {
    String sig = sign("pacha-hooks", 0);
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () ->
                AllowedSigners.parse(allowed(), "ops")
                    .verify(
                        new AllowedSigners.SignedFile(
                            "hooks.json",
                            DATA,
                            "hooks.json.sig",
                            sig.getBytes(StandardCharsets.US_ASCII)),
                        "pacha-hooks",
                        "alice"));
    assertEquals(SignatureException.Reason.BAD_SIGNATURE, e.reason());
    assertTrue(e.getMessage().contains("without a touch"), e.getMessage());
  }

  @Test
  void verify_stubTokenSignatureOfOtherData_refusedByBoth() throws Exception {
    String sig = sign("pacha-hooks", KeyAlgorithms.SK_USER_PRESENT);
    byte[] other = "other\n".getBytes(StandardCharsets.UTF_8);
    Tools.Result theirs =
        Keys.sshKeygenVerify(
            tmp, allowed(), "alice", "pacha-hooks", other, sig.getBytes(StandardCharsets.US_ASCII));
    assertTrue(theirs.code() != 0, theirs.output());
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () ->
                AllowedSigners.parse(allowed(), "ops")
                    .verify(
                        new AllowedSigners.SignedFile(
                            "hooks.json",
                            other,
                            "hooks.json.sig",
                            sig.getBytes(StandardCharsets.US_ASCII)),
                        "pacha-hooks",
                        "alice"));
    assertEquals(SignatureException.Reason.BAD_SIGNATURE, e.reason());
  }
}
