package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system's OpenSSH client as the master's transport, the way operators reach their masters: a
 * Host alias of ~/.ssh/config with ProxyJump through a second sshd, a key held only by ssh-agent, a
 * host certificate signed by a CA pinned with @cert-authority; and each way it fails, as one line
 * with ssh's reason and the documented exit code. Real sshd, ssh, ssh-agent and ssh-keygen.
 */
class OpenSshClientIT {
  /** Makes ssh see a home of the test's choosing (ssh takes ~ from the password database). */
  static final Path NSS_WRAPPER = Path.of("/usr/lib/x86_64-linux-gnu/libnss_wrapper.so");

  @TempDir Path tmp;
  OpenSshServer master;
  Path hosts;
  Path sandbox;
  Path foo;
  Long agentPid;

  @BeforeEach
  void start() throws Exception {
    master = OpenSshServer.start(tmp.resolve("master-sshd"));
    hosts = Files.createDirectories(tmp.resolve("hosts"));
    sandbox = tmp.resolve("sandbox");
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    Files.createDirectories(foo.resolve("conf.d"));
    Files.writeString(foo.resolve("conf.d/tls.conf"), "cert = /etc/ssl/x\n");
  }

  @AfterEach
  void stop() throws Exception {
    master.close();
    if (agentPid != null) {
      ProcessHandle.of(agentPid).ifPresent(ProcessHandle::destroy);
    }
  }

  /** A config naming the client explicitly, with the given lines; nothing else SSH-wise. */
  private Path config(String name, String... lines) throws Exception {
    List<String> all = new ArrayList<>();
    all.add("[DEFAULT]");
    all.add("pacha.ssh.client = openssh");
    all.add("pacha.hostname = bar");
    all.add("pacha.state.dir = " + tmp.resolve("state-" + name));
    all.addAll(List.of(lines));
    all.add("");
    return Files.writeString(tmp.resolve(name + ".conf"), String.join("\n", all));
  }

  private static PachaCli.Run run(PachaCli cli, Path config, String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return cli.run(all.toArray(String[]::new));
  }

  private PachaCli.Run watchAndRebuild(PachaCli cli, Path config) throws Exception {
    Map<String, String> before = TreeState.of(foo);
    PachaCli.Run w =
        run(cli, config, "--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(0, w.code(), w::toString);
    RebuildIT.deleteTree(sandbox);
    PachaCli.Run r =
        run(cli, config, "rebuild", "bar", "--yes", "--target-root", sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    assertEquals(before, TreeState.of(foo), "the rebuilt tree is the pushed one");
    return r;
  }

  /** The pacha config lines that pin the master's key and log in with the test's key. */
  private String[] direct(Path knownHosts) {
    return new String[] {
      "pacha.master.url = sftp://root@127.0.0.1:" + master.port() + hosts,
      "pacha.ssh.identity = " + master.clientKey(),
      "pacha.ssh.known_hosts = " + knownHosts,
      "pacha.ssh.config = " + emptySshConfig(),
    };
  }

  private Path emptySshConfig() {
    try {
      Path f = tmp.resolve("empty_ssh_config");
      if (!Files.exists(f)) {
        Files.writeString(f, "");
      }
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String[] watchArgs() {
    return new String[] {"--watch", foo.toString(), "--target-root", sandbox.toString()};
  }

  private static void assertOneLine(PachaCli.Run r) {
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertFalse(r.err().contains("Exception"), r::toString);
    assertFalse(r.err().contains("SSH_FX"), r::toString);
  }

  @Test
  void hostAliasOfTheUsersSshConfig_withProxyJumpThroughASecondSshd_pushesAndRebuilds()
      throws Exception {
    if (!Files.exists(NSS_WRAPPER)) {
      fail(NSS_WRAPPER + " is missing: apt-get install libnss-wrapper (scripts/test does)");
    }
    try (OpenSshServer bastion = OpenSshServer.start(tmp.resolve("bastion-sshd"))) {
      // The user's home, as ssh sees it: ~/.ssh/config names both hosts, keys and known_hosts.
      Path home = Files.createDirectories(tmp.resolve("home"));
      Path ssh = Files.createDirectories(home.resolve(".ssh"));
      Files.copy(master.clientKey(), ssh.resolve("id_master"));
      Files.copy(bastion.clientKey(), ssh.resolve("id_bastion"));
      Files.writeString(
          ssh.resolve("known_hosts"),
          Files.readString(master.knownHosts()) + Files.readString(bastion.knownHosts()));
      Files.writeString(
          ssh.resolve("config"),
          String.join(
              "\n",
              "Host pacha-master",
              "  HostName 127.0.0.1",
              "  Port " + master.port(),
              "  User root",
              "  IdentityFile ~/.ssh/id_master",
              "  ProxyJump jump",
              "Host jump",
              "  HostName 127.0.0.1",
              "  Port " + bastion.port(),
              "  User root",
              "  IdentityFile ~/.ssh/id_bastion",
              "Host *",
              "  StrictHostKeyChecking yes",
              ""));
      Path passwd =
          Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:" + home + ":/bin/sh\n");
      PachaCli cli =
          new PachaCli(tmp)
              .env("HOME", home.toString())
              .env("LD_PRELOAD", NSS_WRAPPER.toString())
              .env("NSS_WRAPPER_PASSWD", passwd.toString())
              .env("NSS_WRAPPER_GROUP", "/etc/group");
      // Only the alias and the path: user, port, key, known_hosts and the jump are ssh's.
      Path config = config("alias", "pacha.master.url = sftp://pacha-master" + hosts);
      String bastionLogBefore = bastion.log();
      PachaCli.Run r = watchAndRebuild(cli, config);
      assertTrue(
          Files.exists(hosts.resolve("bar/latest")), "pushed to the master through the alias");
      assertTrue(
          bastion.log().length() > bastionLogBefore.length()
              && bastion.log().contains("Accepted publickey for root"),
          "the connection went through the jump host: " + bastion.log());
      assertTrue(r.out().contains("sftp://pacha-master"), r::toString);
    }
  }

  @Test
  void keyOnlyInSshAgent_noIdentityConfigured_pushesAndRebuilds() throws Exception {
    Path key = tmp.resolve("agent_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    master.authorize(Path.of(key + ".pub"));
    Path sock = tmp.resolve("agent.sock");
    String out = Tools.run(tmp, "ssh-agent", "-s", "-a", sock.toString());
    Matcher pid = Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(out);
    assertTrue(pid.find(), out);
    agentPid = Long.parseLong(pid.group(1));
    ProcessBuilder add =
        new ProcessBuilder("ssh-add", "-q", key.toString()).redirectErrorStream(true);
    add.environment().put("SSH_AUTH_SOCK", sock.toString());
    Process p = add.start();
    String said = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), said);
    Files.delete(key); // from now on only the agent has it
    Path config =
        config(
            "agent",
            "pacha.master.url = sftp://root@127.0.0.1:" + master.port() + hosts,
            "pacha.ssh.known_hosts = " + master.knownHosts(),
            "pacha.ssh.config = " + emptySshConfig());
    // Without the agent the master refuses us: the key really is the agent's.
    PachaCli.Run without =
        run(
            new PachaCli(tmp),
            config,
            "--watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(3, without.code(), without::toString);
    assertTrue(without.err().contains("Permission denied (publickey"), without::toString);
    assertOneLine(without);
    watchAndRebuild(new PachaCli(tmp).env("SSH_AUTH_SOCK", sock.toString()), config);
  }

  @Test
  void hostCertificateSignedByACa_pinnedWithCertAuthority_connects() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cert-sshd"));
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    Path ca = tmp.resolve("host_ca");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-I",
        "master",
        "-h",
        "-n",
        "127.0.0.1",
        hostKey + ".pub");
    try (OpenSshServer certified =
        OpenSshServer.start(dir, "HostCertificate " + hostKey + "-cert.pub")) {
      String[] caPub = Files.readString(Path.of(ca + ".pub")).trim().split(" ");
      Path kh =
          Files.writeString(
              tmp.resolve("ca_known_hosts"),
              "@cert-authority * " + caPub[0] + " " + caPub[1] + "\n");
      Path config =
          config(
              "cert",
              "pacha.master.url = sftp://root@127.0.0.1:" + certified.port() + hosts,
              "pacha.ssh.identity = " + certified.clientKey(),
              "pacha.ssh.known_hosts = " + kh,
              "pacha.ssh.host_key_checking = yes",
              "pacha.ssh.config = " + emptySshConfig());
      watchAndRebuild(new PachaCli(tmp), config);
      assertEquals(1, Files.readString(kh).lines().count(), "the host key itself was never pinned");

      // A certificate from another CA is refused.
      Path other = tmp.resolve("other_ca");
      Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
      String[] otherPub = Files.readString(Path.of(other + ".pub")).trim().split(" ");
      Files.writeString(kh, "@cert-authority * " + otherPub[0] + " " + otherPub[1] + "\n");
      PachaCli.Run r = run(new PachaCli(tmp), config, "push");
      assertEquals(3, r.code(), r::toString);
      assertTrue(
          r.err().contains("could not be verified") || r.err().contains("not in"), r::toString);
      assertOneLine(r);
    }
  }

  @Test
  void changedHostKey_exitThreeHostKeyChanged() throws Exception {
    Path other = tmp.resolve("other_host_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    String[] pub = Files.readString(Path.of(other + ".pub")).trim().split(" ");
    Path kh =
        Files.writeString(
            tmp.resolve("stale_known_hosts"),
            "[127.0.0.1]:" + master.port() + " " + pub[0] + " " + pub[1] + "\n");
    PachaCli.Run r =
        run(
            new PachaCli(tmp),
            config("changed", direct(kh)),
            "--watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().startsWith("pacha: HOST KEY CHANGED: "), r::toString);
    String real =
        Tools.run(tmp, "ssh-keygen", "-l", "-f", master.hostKeyPub().toString()).split(" ")[1];
    assertTrue(r.err().contains(real), "the offered key's fingerprint " + real + ": " + r);
    String pinned = Tools.run(tmp, "ssh-keygen", "-l", "-f", other + ".pub").split(" ")[1];
    assertTrue(r.err().contains(", but " + kh + " line 1 pins ssh-ed25519 " + pinned), r::toString);
    assertTrue(r.err().contains("remove line 1 of " + kh), r::toString);
    assertOneLine(r);
    assertFalse(Files.exists(hosts.resolve("bar")), "nothing sent");
  }

  @Test
  void revokedHostKey_refusedUnderEveryHostKeyChecking() throws Exception {
    Path kh =
        Files.writeString(
            tmp.resolve("revoked_known_hosts"),
            Files.readString(master.knownHosts())
                + "@revoked * "
                + String.join(" ", List.of(master.hostKey().split(" ")).subList(0, 2))
                + "\n");
    for (String checking : List.of("yes", "accept-new", "no")) {
      List<String> lines = new ArrayList<>(List.of(direct(kh)));
      lines.add("pacha.ssh.host_key_checking = " + checking);
      PachaCli.Run r =
          run(
              new PachaCli(tmp),
              config("revoked-" + checking, lines.toArray(String[]::new)),
              watchArgs());
      assertEquals(3, r.code(), checking + ": " + r);
      assertTrue(r.err().startsWith("pacha: REVOKED HOST KEY: "), checking + ": " + r);
      assertOneLine(r);
    }
    assertFalse(Files.exists(hosts.resolve("bar")), "nothing sent");
  }

  @Test
  void unknownHostKey_exitThreeWithTheOfferedFingerprint_acceptNewPinsIt() throws Exception {
    Path kh = tmp.resolve("new/known_hosts");
    Path strict = config("unknown", direct(kh));
    PachaCli.Run r =
        run(
            new PachaCli(tmp),
            strict,
            "--watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(3, r.code(), r::toString);
    String real =
        Tools.run(tmp, "ssh-keygen", "-l", "-f", master.hostKeyPub().toString()).split(" ")[1];
    assertTrue(
        r.err().contains("offered host key ssh-ed25519 " + real + ", which is not in " + kh),
        r::toString);
    assertOneLine(r);

    List<String> lines = new ArrayList<>(List.of(direct(kh)));
    lines.add("pacha.ssh.host_key_checking = accept-new");
    PachaCli.Run pinned =
        run(new PachaCli(tmp), config("accept", lines.toArray(String[]::new)), watchArgs());
    assertEquals(0, pinned.code(), pinned::toString);
    assertTrue(Files.exists(kh), "the key was pinned in pacha.ssh.known_hosts");
    PachaCli.Run again = run(new PachaCli(tmp), strict, watchArgs());
    assertEquals(0, again.code(), again::toString);
  }

  @Test
  void keyTheMasterDoesNotKnow_exitThreeNamingTheKey() throws Exception {
    Path stranger = tmp.resolve("stranger");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
    List<String> lines = new ArrayList<>(List.of(direct(master.knownHosts())));
    lines.set(1, "pacha.ssh.identity = " + stranger);
    PachaCli.Run r =
        run(
            new PachaCli(tmp),
            config("stranger", lines.toArray(String[]::new)),
            "--watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().contains("refused the key " + stranger), r::toString);
    assertTrue(r.err().contains("Permission denied (publickey"), r::toString);
    assertOneLine(r);
  }

  @Test
  void passphraseKeyWithNobodyToTypeIt_exitThreeSayingWhy_firstBootRefusesIt() throws Exception {
    Path locked = tmp.resolve("locked");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "s3cret", "-f", locked.toString());
    master.authorize(Path.of(locked + ".pub"));
    List<String> lines = new ArrayList<>(List.of(direct(master.knownHosts())));
    lines.set(1, "pacha.ssh.identity = " + locked);
    Path config = config("locked", lines.toArray(String[]::new));
    PachaCli.Run r =
        run(
            new PachaCli(tmp),
            config,
            "--watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(3, r.code(), r::toString);
    assertTrue(
        r.err().contains("protected by a passphrase and nobody can type it here"), r::toString);
    assertOneLine(r);

    // cloud-init render saw only PEM's ENCRYPTED: ssh-keygen's own format says it inside.
    PachaCli.Run render =
        new PachaCli(tmp)
            .run(
                "cloud-init",
                "render",
                "--host",
                "bar",
                "--config",
                config.toString(),
                "--identity",
                locked.toString(),
                "--known-hosts",
                master.knownHosts().toString(),
                "-o",
                tmp.resolve("user-data").toString());
    assertEquals(2, render.code(), render::toString);
    assertTrue(render.err().contains("is protected by a passphrase"), render::toString);
    assertFalse(Files.exists(tmp.resolve("user-data")));

    PachaCli.Run boot =
        run(
            new PachaCli(tmp),
            config,
            "firstboot",
            "--no-daemon",
            "--instance-id",
            "i-1",
            "--status-file",
            tmp.resolve("status.json").toString(),
            "--target-root",
            sandbox.toString());
    assertTrue(
        boot.err().contains("is protected by a passphrase, and nobody can type it at first boot"),
        boot::toString);
    assertTrue(
        Files.readString(tmp.resolve("status.json")).contains("\"attempts\" : 0")
            || Files.readString(tmp.resolve("status.json")).contains("\"attempts\":0"),
        "refused before any attempt: " + Files.readString(tmp.resolve("status.json")));
  }

  @Test
  void portWithNobodyListening_exitThreeConnectionRefused() throws Exception {
    int closed = OpenSshServer.freePort();
    List<String> lines = new ArrayList<>(List.of(direct(master.knownHosts())));
    lines.set(0, "pacha.master.url = sftp://root@127.0.0.1:" + closed + hosts);
    PachaCli.Run r =
        run(new PachaCli(tmp), config("closed", lines.toArray(String[]::new)), watchArgs());
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().contains("Connection refused"), r::toString);
    assertTrue(r.err().contains("127.0.0.1:" + closed), r::toString);
    assertOneLine(r);
  }

  @Test
  void badOptionInTheSshConfig_exitTwoNamingIt() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad_ssh_config"), "Host *\n  NoSuchOption yes\n");
    List<String> lines = new ArrayList<>(List.of(direct(master.knownHosts())));
    lines.set(3, "pacha.ssh.config = " + bad);
    PachaCli.Run r =
        run(new PachaCli(tmp), config("bad", lines.toArray(String[]::new)), watchArgs());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("Bad configuration option: nosuchoption"), r::toString);
    assertOneLine(r);
  }

  @Test
  void noSshProgramOnPath_openSshAsked_exitTwo_defaultFallsBackToBuiltin() throws Exception {
    Path config = config("nossh", direct(master.knownHosts()));
    PachaCli noSsh = new PachaCli(tmp).env("PATH", tmp.resolve("empty-bin").toString());
    PachaCli.Run r = run(noSsh, config, watchArgs());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("no ssh program on PATH"), r::toString);
    assertOneLine(r);
    String text = Files.readString(config).replace("pacha.ssh.client = openssh\n", "");
    Path auto = Files.writeString(tmp.resolve("auto.conf"), text);
    PachaCli.Run w =
        run(noSsh, auto, "--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(0, w.code(), "the built-in client, with no ssh installed: " + w);
  }
}
