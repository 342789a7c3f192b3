package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
