package dev.pacha.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifying SSHSIG signatures against allowed_signers, and reading that format. */
class AllowedSignersTest {
  private static final byte[] DATA = "{\"host\":\"bar\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  Path bar;
  String barPub;

  @BeforeEach
  void keys() throws Exception {
    bar = Keys.generate(tmp, "bar", new String[] {"ed25519"});
    barPub = Files.readString(Path.of(bar + ".pub")).strip();
  }

  private static AllowedSigners.SignedFile file(byte[] data, byte[] sig) {
    return new AllowedSigners.SignedFile("snapshots/S.json", data, "snapshots/S.sig", sig);
  }

  private SignatureException refused(
      AllowedSigners trusted, byte[] data, byte[] sig, String namespace, String principal) {
    SignatureException e =
        assertThrows(
            SignatureException.class, () -> trusted.verify(file(data, sig), namespace, principal));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    Keys.assertOneLine(e.getMessage());
    return e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-2048"})
  void verify_sshKeygenSignatureOfEachKeyType_accepted(String kind) throws Exception {
    String[] type =
        kind.contains("-")
            ? new String[] {kind.split("-")[0], "-b", kind.split("-")[1]}
            : new String[] {kind};
    Path key = Keys.generate(tmp, "k", type);
    byte[] sig = Keys.sshKeygenSign(key, "pacha-snapshot", DATA);
    AllowedSigners trusted =
        AllowedSigners.parse("bar " + Files.readString(Path.of(key + ".pub")), "allowed_signers");

    AllowedSigners.Verified v = trusted.verify(file(DATA, sig), "pacha-snapshot", "bar");

    assertEquals(Keys.publicKey(key), v.key());
    assertEquals("bar", v.principal());
    assertEquals(1, v.entry().line());
  }

  @Test
  void verify_changedByteOfData_badSignature() throws Exception {
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-snapshot", DATA);
    byte[] changed = DATA.clone();
    changed[3] ^= 1;
    SignatureException e =
        refused(AllowedSigners.parse("bar " + barPub, "as"), changed, sig, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.BAD_SIGNATURE, e.reason());
    assertTrue(
        e.getMessage().startsWith("snapshots/S.sig does not match snapshots/S.json"),
        e.getMessage());
  }

  @Test
  void verify_changedByteOfSignature_badSignature() throws Exception {
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-snapshot", DATA);
    // Change the last byte of the signature value itself (the end of the decoded blob).
    String[] lines = Keys.text(sig).split("\n");
    StringBuilder body = new StringBuilder();
    for (int i = 1; i < lines.length - 1; i++) {
      body.append(lines[i]);
    }
    byte[] blob = Base64.getDecoder().decode(body.toString());
    blob[blob.length - 1] ^= 0x40;
    String tampered =
        "-----BEGIN SSH SIGNATURE-----\n"
            + Base64.getEncoder().encodeToString(blob)
            + "\n-----END SSH SIGNATURE-----\n";
    SignatureException e =
        refused(
            AllowedSigners.parse("bar " + barPub, "as"),
            DATA,
            tampered.getBytes(StandardCharsets.US_ASCII),
            "pacha-snapshot",
            "bar");
    assertEquals(SignatureException.Reason.BAD_SIGNATURE, e.reason());
    assertTrue(e.getMessage().contains(Keys.publicKey(bar).fingerprint()), e.getMessage());
  }

  @Test
  void verify_wrongNamespace_refusedNamingBoth() throws Exception {
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-hooks", DATA);
    SignatureException e =
        refused(AllowedSigners.parse("bar " + barPub, "as"), DATA, sig, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.WRONG_NAMESPACE, e.reason());
    assertTrue(e.getMessage().contains("\"pacha-hooks\", not \"pacha-snapshot\""), e.getMessage());
  }

  @Test
  void verify_untrustedKey_refusedNamingTheExpectedKeyAndLine() throws Exception {
    Path other = Keys.generate(tmp, "other", new String[] {"ed25519"});
    byte[] sig = Keys.sshKeygenSign(other, "pacha-snapshot", DATA);
    SignatureException e =
        refused(
            AllowedSigners.parse("# bar's key\nbar " + barPub, "/etc/pacha/allowed_signers"),
            DATA,
            sig,
            "pacha-snapshot",
            "bar");
    assertEquals(SignatureException.Reason.WRONG_KEY, e.reason());
    String m = e.getMessage();
    assertTrue(m.contains("signed by ssh-ed25519 " + Keys.publicKey(other).fingerprint()), m);
    assertTrue(
        m.contains(
            "expected ssh-ed25519 "
                + Keys.publicKey(bar).fingerprint()
                + " (/etc/pacha/allowed_signers line 2)"),
        m);
  }

  @Test
  void verify_missingSignature_unsigned() {
    SignatureException e =
        refused(AllowedSigners.parse("bar " + barPub, "as"), DATA, null, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.UNSIGNED, e.reason());
    assertTrue(e.getMessage().contains("snapshots/S.sig is missing"), e.getMessage());
  }

  @Test
  void verify_notASignature_malformed() {
    SignatureException e =
        refused(
            AllowedSigners.parse("bar " + barPub, "as"),
            DATA,
            "{\"not\":\"a signature\"}".getBytes(StandardCharsets.UTF_8),
            "pacha-snapshot",
            "bar");
    assertEquals(SignatureException.Reason.MALFORMED, e.reason());
  }

  @Test
  void verify_keyForAnotherPrincipal_wrongKey() throws Exception {
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-snapshot", DATA);
    SignatureException e =
        refused(AllowedSigners.parse("foo " + barPub, "as"), DATA, sig, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.WRONG_KEY, e.reason());
    assertTrue(e.getMessage().contains("as trusts none for it"), e.getMessage());
  }

  @Test
  void verify_namespacesOption_limitsTheKey() throws Exception {
    AllowedSigners trusted =
        AllowedSigners.parse("bar namespaces=\"pacha-hooks,file\" " + barPub, "as");
    byte[] hooks = Keys.sshKeygenSign(bar, "pacha-hooks", DATA);
    assertEquals("bar", trusted.verify(file(DATA, hooks), "pacha-hooks", "bar").principal());

    byte[] snap = Keys.sshKeygenSign(bar, "pacha-snapshot", DATA);
    SignatureException e = refused(trusted, DATA, snap, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.WRONG_KEY, e.reason());
    assertTrue(
        e.getMessage().contains("as line 1 trusts only in namespaces \"pacha-hooks,file\""),
        e.getMessage());
  }

  @Test
  void verify_validBeforeInThePast_notValidNow() throws Exception {
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-snapshot", DATA);
    AllowedSigners trusted = AllowedSigners.parse("bar valid-before=\"20200101Z\" " + barPub, "as");
    SignatureException e = refused(trusted, DATA, sig, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.NOT_VALID_NOW, e.reason());
    assertTrue(e.getMessage().contains("2020-01-01T00:00:00Z"), e.getMessage());
  }

  @Test
  void verify_certificateFromTrustedCa_acceptedForItsPrincipalOnly() throws Exception {
    Path ca = Keys.generate(tmp, "ca", new String[] {"ed25519"});
    Path alice = Keys.generate(tmp, "alice", new String[] {"ecdsa", "-b", "256"});
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-I",
        "alice-2026",
        "-n",
        "alice@example.com",
        alice + ".pub");
    byte[] sig = Keys.sshKeygenSign(Path.of(alice + "-cert.pub"), "pacha-hooks", DATA);
    AllowedSigners trusted =
        AllowedSigners.parse(
            "*@example.com cert-authority " + Files.readString(Path.of(ca + ".pub")), "ops");

    AllowedSigners.Verified v = trusted.verify(file(DATA, sig), "pacha-hooks", "alice@example.com");
    assertTrue(v.key().isCertificate(), v.key().type());
    // Any principal: the one the certificate names.
    assertEquals(
        "alice@example.com", trusted.verify(file(DATA, sig), "pacha-hooks", null).principal());

    SignatureException e = refused(trusted, DATA, sig, "pacha-hooks", "bob@example.com");
    assertEquals(SignatureException.Reason.NOT_VALID_NOW, e.reason());
    assertTrue(
        e.getMessage().contains("it is for alice@example.com, not bob@example.com"),
        e.getMessage());
  }

  @Test
  void verify_expiredCertificate_notValidNow() throws Exception {
    Path ca = Keys.generate(tmp, "ca", new String[] {"ed25519"});
    Path alice = Keys.generate(tmp, "alice", new String[] {"ed25519"});
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-I",
        "old",
        "-n",
        "alice",
        "-V",
        "20200101:20200102",
        alice + ".pub");
    byte[] sig = Keys.sshKeygenSign(Path.of(alice + "-cert.pub"), "pacha-hooks", DATA);
    AllowedSigners trusted =
        AllowedSigners.parse("alice cert-authority " + Files.readString(Path.of(ca + ".pub")), "o");
    SignatureException e = refused(trusted, DATA, sig, "pacha-hooks", "alice");
    assertEquals(SignatureException.Reason.NOT_VALID_NOW, e.reason());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void verify_plainKeyLine_doesNotTrustACertificateOfThatKey() throws Exception {
    Path ca = Keys.generate(tmp, "ca", new String[] {"ed25519"});
    Tools.run(tmp, "ssh-keygen", "-q", "-s", ca.toString(), "-I", "bar", "-n", "bar", bar + ".pub");
    byte[] sig = Keys.sshKeygenSign(Path.of(bar + "-cert.pub"), "pacha-snapshot", DATA);
    SignatureException e =
        refused(AllowedSigners.parse("bar " + barPub, "as"), DATA, sig, "pacha-snapshot", "bar");
    assertEquals(SignatureException.Reason.WRONG_KEY, e.reason());
  }

  @Test
  void verify_principalPatterns_agreeWithSshKeygen() throws Exception {
    String allowed =
        "# operators\n" + "\n" + "*@example.com,!eve@example.com,\"ops team\" " + barPub + "\n";
    AllowedSigners trusted = AllowedSigners.parse(allowed, "as");
    byte[] sig = Keys.sshKeygenSign(bar, "pacha-hooks", DATA);
    for (String principal :
        List.of(
            "alice@example.com", "eve@example.com", "bob@other.org", "example.com", "ops team")) {
      boolean theirs =
          Keys.sshKeygenVerify(tmp, allowed, principal, "pacha-hooks", DATA, sig).code() == 0;
      boolean ours;
      try {
        trusted.verify(file(DATA, sig), "pacha-hooks", principal);
        ours = true;
      } catch (SignatureException e) {
        ours = false;
      }
      assertEquals(theirs, ours, principal);
    }
    assertTrue(
        Keys.sshKeygenVerify(tmp, allowed, "alice@example.com", "pacha-hooks", DATA, sig).code()
            == 0,
        "the table above holds an accepted principal");
  }

  @Test
  void parse_optionsCommentsAndBareKeys() throws Exception {
    String text =
        "# comment\n"
            + "   \n"
            + "alice@example.com,bob@example.com NAMESPACES=\"pacha-hooks\",valid-after=\"20260101\""
            + " "
            + barPub
            + "\n"
            + "*.example.com cert-authority "
            + barPub
            + "\n"
            + barPub
            + "\n";
    List<AllowedSigners.Entry> e = AllowedSigners.parse(text, "as").entries();
    assertEquals(3, e.size());
    assertEquals(3, e.get(0).line());
    assertEquals("alice@example.com,bob@example.com", e.get(0).principals());
    assertEquals("pacha-hooks", e.get(0).namespaces());
    assertEquals(
        java.time.LocalDate.of(2026, 1, 1)
            .atStartOfDay(java.time.ZoneId.systemDefault())
            .toInstant(),
        e.get(0).validAfter());
    assertFalse(e.get(0).certificateAuthority());
    assertTrue(e.get(1).certificateAuthority());
    assertNull(e.get(1).namespaces());
    assertEquals("*", e.get(2).principals(), "a bare key is trusted for everyone");
    assertEquals("bar", e.get(2).key().comment());
  }

  @Test
  void time_utcAndLocalForms() {
    assertEquals(
        Instant.parse("2026-03-04T05:06:07Z"),
        AllowedSigners.time("20260304050607Z", "valid-after"));
    assertEquals(
        java.time.LocalDateTime.of(2026, 3, 4, 5, 6)
            .atZone(java.time.ZoneId.systemDefault())
            .toInstant(),
        AllowedSigners.time("202603040506", "valid-after"));
    assertEquals(
        java.time.LocalDate.of(2026, 3, 4).atStartOfDay(ZoneOffset.UTC).toInstant(),
        AllowedSigners.time("20260304z", "valid-after"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bar namespaces=pacha-hooks KEY",
        "bar restrict KEY",
        "bar namespaces=\"a\",,cert-authority KEY",
        "bar valid-after=\"2026\" KEY",
        "bar",
        "bar ssh-ed25519 AAAAnotbase64!!",
      })
  void parse_mistakes_usageErrorNamingFileAndLine(String line) {
    String text = "# first line\n" + line.replace("KEY", barPub) + "\n";
    PachaException e =
        assertThrows(PachaException.class, () -> AllowedSigners.parse(text, "/etc/pacha/as"));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().startsWith("/etc/pacha/as line 2: "), e.getMessage());
    Keys.assertOneLine(e.getMessage());
  }
}
