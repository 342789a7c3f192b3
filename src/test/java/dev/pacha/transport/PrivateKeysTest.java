package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys that first boot can use, and those it cannot, judged without quoting them. */
class PrivateKeysTest {
  @TempDir Path tmp;

  private byte[] keygen(String passphrase, String... format) throws Exception {
    Path key = tmp.resolve("key");
    java.util.List<String> cmd =
        new java.util.ArrayList<>(
            java.util.List.of(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", key.toString()));
    cmd.addAll(java.util.List.of(format));
    Tools.run(tmp, cmd.toArray(String[]::new));
    return Files.readAllBytes(key);
  }

  @Test
  void problem_unencryptedOpenSshKey_none() throws Exception {
    assertEquals(Optional.empty(), PrivateKeys.problem(keygen("")));
  }

  @Test
  void problem_passphraseOpenSshKey_saysPassphraseWithoutQuotingTheKey() throws Exception {
    byte[] key = keygen("secret-words");
    Optional<String> p = PrivateKeys.problem(key);
    assertTrue(p.orElseThrow().contains("passphrase"), p.toString());
    String body = new String(key, StandardCharsets.UTF_8).split("\n")[1];
    assertFalse(p.get().contains(body.substring(0, 20)));
  }

  @Test
  void problem_encryptedPemKey_saysPassphrase() throws Exception {
    String pem =
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
            + "AAAA\n-----END RSA PRIVATE KEY-----\n";
    assertTrue(
        PrivateKeys.problem(pem.getBytes(StandardCharsets.UTF_8))
            .orElseThrow()
            .contains("passphrase"));
  }

  @Test
  void problem_publicKey_notAPrivateKey() throws Exception {
    String pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH3v bar@example\n";
    assertEquals(
        Optional.of("is not a private key (no '-----BEGIN ... PRIVATE KEY-----')"),
        PrivateKeys.problem(pub.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void problem_garbledOpenSshBody_leftToSsh() {
    String garbled =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n!!not base64!!\n-----END OPENSSH PRIVATE KEY-----\n";
    assertEquals(Optional.empty(), PrivateKeys.problem(garbled.getBytes(StandardCharsets.UTF_8)));
  }

  private Path keyWithMode(String mode) throws Exception {
    Path key = tmp.resolve("id_" + mode);
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
    return key;
  }

  @ParameterizedTest
  @CsvSource({
    "rw-r--r--, 0644, group and others",
    "rw-r-----, 0640, its group",
    "rw----rw-, 0606, others"
  })
  void requireOwnerOnly_openToOthers_usageErrorWithModeAndChmod(
      String perms, String mode, String who) throws Exception {
    Path key = keyWithMode(perms);
    PachaException e = assertThrows(PachaException.class, () -> PrivateKeys.requireOwnerOnly(key));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertEquals(
        "SSH key "
            + key
            + " has mode "
            + mode
            + ", open to "
            + who
            + "; ssh refuses such a key and so does pacha: run chmod 600 "
            + key,
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-------", "r--------"})
  void requireOwnerOnly_privateToItsOwner_accepted(String perms) throws Exception {
    PrivateKeys.requireOwnerOnly(keyWithMode(perms));
  }
}
