package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What ssh 9.2 wrote on stderr, as captured, into one line and an exit code. */
class SshErrorsTest {
  private static final SshErrors.Context CONTEXT =
      new SshErrors.Context(
          "root@127.0.0.1:2222",
          Optional.of(Path.of("/etc/pacha/id_master")),
          false,
          Optional.of(Path.of("/etc/pacha/known_hosts")),
          true,
          Optional.empty());

  private static SshErrors.Failure connecting(String stderr) {
    return SshErrors.connecting(List.of(stderr.split("\n")), Optional.of(255), CONTEXT);
  }

  @Test
  void changedHostKey_hostKeyChangedWithTheOfferedFingerprintAndTheFix() {
    SshErrors.Failure f =
        connecting(
            String.join(
                "\n",
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
                "The fingerprint for the ED25519 key sent by the remote host is",
                "SHA256:yx/lSWS+DEQ8u0T5TE0hqQuS5lfR2IO8efZKwWc8B4U.",
                "Offending ED25519 key in /nonexistent/pacha-test/known_hosts:1",
                "  remove with:",
                "  ssh-keygen -f \"/nonexistent/pacha-test/known_hosts\" -R \"[127.0.0.1]:2222\"",
                "Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.",
                "Host key verification failed."));
    assertFalse(f.configuration());
    assertEquals(
        "HOST KEY CHANGED: the master root@127.0.0.1:2222 offered host key ED25519"
            + " SHA256:yx/lSWS+DEQ8u0T5TE0hqQuS5lfR2IO8efZKwWc8B4U, but /nonexistent/pacha-test/known_hosts line 1;"
            + " someone may be impersonating the master, or it was re-keyed: only if you know it"
            + " was, remove line 1 of /nonexistent/pacha-test/known_hosts and pin the new key; else do not connect",
        f.message());
  }

  @Test
  void revokedHostKey_revokedNotUnknown() {
    List<String> said =
        List.of(
            "@       WARNING: REVOKED HOST KEY DETECTED!               @",
            "The ED25519 host key for [127.0.0.1]:2222 is marked as revoked.",
            "ED25519 host key for [127.0.0.1]:2222 was revoked and you have requested strict"
                + " checking.",
            "Host key verification failed.");
    assertTrue(SshErrors.revoked(said));
    assertFalse(SshErrors.unknownHostKey(said), "no second connection to ask for the key");
    String m = SshErrors.connecting(said, Optional.of(255), CONTEXT).message();
    assertTrue(
        m.startsWith(
            "REVOKED HOST KEY: the master root@127.0.0.1:2222 offered a host key that"
                + " /etc/pacha/known_hosts marks @revoked"),
        m);
  }

  @Test
  void badOption_configurationError() {
    SshErrors.Failure f =
        connecting(
            "/etc/pacha/ssh_config: line 2: Bad configuration option: nosuchoption\n"
                + "/etc/pacha/ssh_config: terminating, 1 bad configuration options");
    assertTrue(f.configuration());
    assertTrue(f.message().contains("Bad configuration option: nosuchoption"), f.message());
  }

  @Test
  void refusedResolvedOrDenied_unreachableWithSshsWords() {
    SshErrors.Failure refused =
        connecting("ssh: connect to host 127.0.0.1 port 2222: Connection refused");
    assertFalse(refused.configuration());
    assertEquals(
        "cannot connect to the master root@127.0.0.1:2222 (ssh: connect to host 127.0.0.1 port"
            + " 2222: Connection refused); is sshd running there and the port right"
            + " (pacha.ssh.port)?",
        refused.message());
    assertTrue(
        connecting("ssh: Could not resolve hostname nomaster: Name or service not known")
            .message()
            .startsWith("cannot resolve the master's name (ssh: Could not resolve hostname"));
    String denied = connecting("root@127.0.0.1: Permission denied (publickey).").message();
    assertTrue(
        denied.startsWith(
            "the master root@127.0.0.1:2222 refused the key /etc/pacha/id_master (ssh: root@127.0.0.1: Permission denied (publickey).)"),
        denied);
  }

  @Test
  void passphraseKeyInBatchMode_saysNobodyCanTypeIt() {
    SshErrors.Context locked =
        new SshErrors.Context(
            "m", Optional.of(Path.of("/k")), true, Optional.empty(), true, Optional.empty());
    String m =
        SshErrors.connecting(List.of("m: Permission denied (publickey)."), Optional.of(255), locked)
            .message();
    assertTrue(m.contains("protected by a passphrase and nobody can type it here"), m);
  }

  @Test
  void offeredKey_fromTheDebugLine() {
    assertEquals(
        Optional.of("ssh-ed25519 SHA256:abc+/="),
        SshErrors.offeredKey(List.of("debug1: Server host key: ssh-ed25519 SHA256:abc+/=")));
    assertTrue(SshErrors.unknownHostKey(List.of("Host key verification failed.")));
  }

  @Test
  void nothingSaid_theExitCode() {
    assertEquals(
        "cannot connect to the master root@127.0.0.1:2222 (ssh exited with code 255 without"
            + " saying why)",
        SshErrors.connecting(List.of(), Optional.of(255), CONTEXT).message());
    assertEquals(
        "ssh: Connection to 127.0.0.1 closed by remote host.",
        SshErrors.dropped(
            List.of("Connection to 127.0.0.1 closed by remote host."), Optional.of(255)));
  }
}
