package dev.pacha.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * pacha's signatures against the real ssh-keygen, both ways, for every key type and key file format
 * pacha signs with itself, and the keys it hands to ssh-keygen (passphrase, ssh-agent).
 */
class SshSignersTest {
  private static final byte[] DATA =
      "{\"format\":2,\"id\":\"20261203T181500.123Z-9f3a11c2\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  static Stream<Arguments> keyFiles() {
    List<Arguments> out = new ArrayList<>();
    for (String[] t : Keys.types()) {
      out.add(Arguments.of(String.join(" ", t) + " openssh", t, new String[0]));
    }
    out.add(Arguments.of("rsa PEM (PKCS#1)", new String[] {"rsa", "-b", "2048"}, pem("PEM")));
    out.add(Arguments.of("ecdsa PEM (SEC1)", new String[] {"ecdsa", "-b", "384"}, pem("PEM")));
    out.add(Arguments.of("rsa PKCS#8", new String[] {"rsa", "-b", "2048"}, pem("PKCS8")));
    out.add(Arguments.of("ecdsa PKCS#8", new String[] {"ecdsa", "-b", "256"}, pem("PKCS8")));
    return out.stream();
  }

  private static String[] pem(String format) {
    return new String[] {"-m", format};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyFiles")
  void unattended_eachKeyTypeAndFormat_sshKeygenVerifyAccepts(
      String label, String[] type, String[] format) throws Exception {
    Path key = Keys.generate(tmp, "bar", type, format);
    SshSigner signer = SshSigners.unattended(key);
    assertEquals(Keys.publicKey(key), signer.publicKey(), "the public key pacha derived");

    String sig = signer.sign(DATA, "pacha-snapshot");

    assertTrue(sig.startsWith("-----BEGIN SSH SIGNATURE-----\n"), sig);
    Tools.Result r =
        Keys.sshKeygenVerify(
            tmp,
            "bar " + Files.readString(Path.of(key + ".pub")),
            "bar",
            "pacha-snapshot",
            DATA,
            sig.getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Good \"pacha-snapshot\" signature for bar"), r.output());
  }

  @Test
  void sign_armor_wrapsAt70ColumnsAsSshKeygenDoes() throws Exception {
    Path key = Keys.generate(tmp, "bar", new String[] {"ed25519"});
    String ours = SshSigners.unattended(key).sign(DATA, "pacha-snapshot");
    String theirs = Keys.text(Keys.sshKeygenSign(key, "pacha-snapshot", DATA));
    // Ed25519 signatures are deterministic: the same key and data give the same bytes.
    assertEquals(theirs, ours);
  }

  @Test
  void unattended_groupReadableKey_refusedWithChmod() throws Exception {
    Path key = Keys.generate(tmp, "bar", new String[] {"ed25519"});
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    PachaException e = assertThrows(PachaException.class, () -> SshSigners.unattended(key));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(
        e.getMessage().contains("0640") && e.getMessage().contains("chmod 600 " + key),
        e.getMessage());
  }

  @Test
  void unattended_passphraseKey_refusedSayingWhy() throws Exception {
    Path key = tmp.resolve("locked");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "secret words", "-f", key.toString());
    PachaException e = assertThrows(PachaException.class, () -> SshSigners.unattended(key));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("passphrase"), e.getMessage());
    Keys.assertOneLine(e.getMessage());
  }

  @Test
  void forOperator_unencryptedKey_signsInProcess() throws Exception {
    Path key = Keys.generate(tmp, "alice", new String[] {"ecdsa", "-b", "256"});
    SshSigner signer = SshSigners.forOperator(key, Reporter.silent());
    assertTrue(signer instanceof KeyFileSigner, signer.getClass().getName());
  }

  @Test
  void forOperator_passphraseKeyInAgent_signsThroughSshKeygenAndTheAgent() throws Exception {
    Path key = tmp.resolve("alice");
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-t",
        "ed25519",
        "-N",
        "secret words",
        "-C",
        "alice",
        "-f",
        key.toString());
    Path askpass = tmp.resolve("askpass");
    Files.writeString(askpass, "#!/bin/sh\necho 'secret words'\n");
    Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
    Path socket = tmp.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("agent.log").toFile())
            .start();
    try {
      awaitSocket(socket, agent);
      Map<String, String> env = new HashMap<>();
      env.put("SSH_AUTH_SOCK", socket.toString());
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
      add.environment().putAll(env);
      add.environment().put("SSH_ASKPASS", askpass.toString());
      add.environment().put("SSH_ASKPASS_REQUIRE", "force");
      add.environment().put("DISPLAY", ":0");
      Process p = add.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);

      // Only the public key is given: the private half is in the agent.
      List<String> said = new ArrayList<>();
      SshSigner signer = SshSigners.forOperator(Path.of(key + ".pub"), env, reporter(said));
      assertTrue(signer instanceof SshKeygenSigner, signer.getClass().getName());
      String sig = signer.sign(DATA, "pacha-hooks");

      AllowedSigners trusted =
          AllowedSigners.parse("alice " + Files.readString(Path.of(key + ".pub")), "ops");
      AllowedSigners.Verified v =
          trusted.verify(
              new AllowedSigners.SignedFile(
                  "hooks.json", DATA, "hooks.json.sig", sig.getBytes(StandardCharsets.US_ASCII)),
              "pacha-hooks",
              "alice");
      assertEquals(Keys.publicKey(key), v.key());
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void forOperator_passphraseKeyWithoutAgentOrTerminal_failsWithSshKeygensReason()
      throws Exception {
    Path key = tmp.resolve("alice");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "secret words", "-f", key.toString());
    SshSigner signer =
        SshSigners.forOperator(key, Map.of("SSH_AUTH_SOCK", "/nonexistent"), Reporter.silent());
    assertEquals(Keys.publicKey(key), signer.publicKey(), "read from the unencrypted header");
    PachaException e = assertThrows(PachaException.class, () -> signer.sign(DATA, "pacha-hooks"));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().startsWith("ssh-keygen could not sign with " + key), e.getMessage());
    Keys.assertOneLine(e.getMessage());
  }

  @Test
  void forOperator_certificate_signsWithTheCertificate() throws Exception {
    Path ca = Keys.generate(tmp, "ca", new String[] {"ed25519"});
    Path key = Keys.generate(tmp, "alice", new String[] {"ed25519"});
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-I",
        "alice-cert",
        "-n",
        "alice@example.com",
        key + ".pub");
    Path cert = Path.of(key + "-cert.pub");

    SshSigner signer = SshSigners.forOperator(cert, Reporter.silent());
    assertTrue(signer.publicKey().isCertificate(), signer.publicKey().type());
    String sig = signer.sign(DATA, "pacha-hooks");

    String allowed = "*@example.com cert-authority " + Files.readString(Path.of(ca + ".pub"));
    Tools.Result r =
        Keys.sshKeygenVerify(
            tmp,
            allowed,
            "alice@example.com",
            "pacha-hooks",
            DATA,
            sig.getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, r.code(), r.output());
  }

  private static Reporter reporter(List<String> lines) {
    return new Reporter() {
      @Override
      public void step(String message) {
        lines.add(message);
      }

      @Override
      public void warn(String message) {
        lines.add(message);
      }
    };
  }

  private static void awaitSocket(Path socket, Process agent) throws Exception {
    // ssh-agent -D creates the socket before it serves; poll for it (an event, not a delay).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket) && System.nanoTime() < deadline) {
      if (!agent.isAlive()) {
        throw new AssertionError("ssh-agent exited");
      }
      Thread.sleep(10);
    }
    assertTrue(Files.exists(socket), "ssh-agent made no socket");
  }
}
