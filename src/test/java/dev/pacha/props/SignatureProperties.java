package dev.pacha.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pacha.testing.Tools;
import dev.pacha.trust.AllowedSigners;
import dev.pacha.trust.SignatureException;
import dev.pacha.trust.SshSigner;
import dev.pacha.trust.SshSigners;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * SSHSIG signing and verifying over arbitrary data: what pacha signs, pacha verifies; any changed
 * bit of the data is refused; and whatever bytes stand in for a signature, verifying fails only
 * with pacha's own one-line error.
 */
class SignatureProperties {
  private static Path dir;
  private static final List<SshSigner> SIGNERS = new ArrayList<>();
  private static final List<AllowedSigners> TRUSTED = new ArrayList<>();

  @BeforeContainer
  static void keys() throws Exception {
    dir = Files.createTempDirectory("prop-keys-");
    String[][] types = {{"ed25519"}, {"ecdsa", "-b", "256"}, {"rsa", "-b", "2048"}};
    for (int i = 0; i < types.length; i++) {
      Path key = dir.resolve("key" + i);
      List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-t"));
      cmd.addAll(List.of(types[i]));
      cmd.addAll(List.of("-f", key.toString()));
      Tools.run(dir, cmd.toArray(String[]::new));
      SIGNERS.add(SshSigners.unattended(key));
      TRUSTED.add(AllowedSigners.parse("bar " + Files.readString(Path.of(key + ".pub")), "as"));
    }
  }

  @AfterContainer
  static void cleanUp() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Provide
  Arbitrary<String> namespaces() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz0123456789-.@")
        .ofMinLength(1)
        .ofMaxLength(40);
  }

  private static AllowedSigners.SignedFile file(byte[] data, byte[] sig) {
    return new AllowedSigners.SignedFile("S.json", data, "S.sig", sig);
  }

  @Property(tries = 300)
  void signThenVerify_anyData_verifies(
      @ForAll @Size(max = 4096) byte[] data,
      @ForAll("namespaces") String namespace,
      @ForAll @IntRange(min = 0, max = 2) int key) {
    String sig = SIGNERS.get(key).sign(data, namespace);
    AllowedSigners.Verified v =
        TRUSTED
            .get(key)
            .verify(file(data, sig.getBytes(StandardCharsets.US_ASCII)), namespace, "bar");
    assertEquals(SIGNERS.get(key).publicKey(), v.key());
  }

  @Property(tries = 300)
  void verify_oneBitOfDataChanged_badSignature(
      @ForAll @Size(min = 1, max = 1024) byte[] data,
      @ForAll @IntRange(min = 0, max = 1_000_000) int where,
      @ForAll @IntRange(min = 0, max = 7) int bit,
      @ForAll @IntRange(min = 0, max = 2) int key) {
    byte[] sig = SIGNERS.get(key).sign(data, "pacha-snapshot").getBytes(StandardCharsets.US_ASCII);
    byte[] changed = data.clone();
    changed[where % changed.length] ^= (byte) (1 << bit);
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () -> TRUSTED.get(key).verify(file(changed, sig), "pacha-snapshot", "bar"));
    assertEquals(SignatureException.Reason.BAD_SIGNATURE, e.reason());
  }

  @Property(tries = 400)
  void verify_aSignatureWithOneCharacterChanged_refusedWithPachasOwnError(
      @ForAll @IntRange(min = 0, max = 1_000_000) int where,
      @ForAll @IntRange(min = 0, max = 63) int replacement,
      @ForAll @IntRange(min = 0, max = 2) int key) {
    byte[] data = "{\"id\":\"S\"}\n".getBytes(StandardCharsets.UTF_8);
    String sig = SIGNERS.get(key).sign(data, "pacha-snapshot");
    // Change one base64 character of the body (not the armor lines).
    int start = sig.indexOf('\n') + 1;
    int end = sig.lastIndexOf("-----END");
    char[] chars = sig.toCharArray();
    int i = start + where % (end - start);
    if (chars[i] == '\n') {
      i--;
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char c = alphabet.charAt(replacement);
    chars[i] = c == chars[i] ? alphabet.charAt((replacement + 1) % 64) : c;
    byte[] tampered = new String(chars).getBytes(StandardCharsets.US_ASCII);
    // The last character before '=' padding carries bits that decode to nothing: changing only
    // those leaves the signature's bytes as they were, so it rightly still verifies.
    Assume.that(!java.util.Arrays.equals(body(sig), body(new String(chars))));
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () -> TRUSTED.get(key).verify(file(data, tampered), "pacha-snapshot", "bar"));
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
  }

  private static byte[] body(String armored) {
    String b64 =
        armored
            .substring(armored.indexOf('\n') + 1, armored.lastIndexOf("-----END"))
            .replace("\n", "");
    try {
      return java.util.Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  @Property(tries = 1000)
  void verify_arbitraryBytesAsSignature_refusedWithPachasOwnError(
      @ForAll @Size(max = 600) byte[] junk, @ForAll boolean armored) {
    byte[] sig =
        armored
            ? ("-----BEGIN SSH SIGNATURE-----\n"
                    + java.util.Base64.getEncoder().encodeToString(junk)
                    + "\n-----END SSH SIGNATURE-----\n")
                .getBytes(StandardCharsets.US_ASCII)
            : junk;
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () -> TRUSTED.get(0).verify(file(new byte[0], sig), "pacha-snapshot", "bar"));
    assertEquals(SignatureException.Reason.MALFORMED, e.reason(), e.getMessage());
  }
}
