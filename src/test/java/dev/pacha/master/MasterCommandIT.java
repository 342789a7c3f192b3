package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.cli.Cli;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.transport.SftpBackend;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `pacha master serve` and `pacha host add --key` as an operator runs them. */
class MasterCommandIT {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  /** Runs a command line in this JVM (for the runs that end by themselves). */
  static Run pacha(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.execute(
            args,
            new Cli.Context(
                Map.of("HOME", System.getProperty("java.io.tmpdir")),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]),
                false));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void serve_portZero_printsPortAndAKnownHostsLineHostsCanPin_andStopsOnSigterm() throws Exception {
    String launcher = System.getProperty("pacha.launcher");
    assertTrue(launcher != null && Files.isExecutable(Path.of(launcher)), "needs the packaged jar");
    MasterFixture m = new MasterFixture(tmp);
    Path barKey = m.addHost("bar");
    Process p =
        new ProcessBuilder(
                launcher,
                "master",
                "serve",
                "--hosts-path",
                m.hosts.toString(),
                "--port",
                "0",
                "--bind",
                "127.0.0.1")
            .redirectError(tmp.resolve("serve.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        if (line.startsWith("Stop with")) {
          break;
        }
      }
      String printed = String.join("\n", lines);
      Matcher port = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
      assertTrue(port.find(), printed);
      Matcher fingerprint = Pattern.compile("ssh-ed25519 (SHA256:\\S+)").matcher(printed);
      assertTrue(fingerprint.find(), printed);
      String known =
          lines.stream()
              .map(String::trim)
              .filter(l -> l.startsWith("[127.0.0.1]:" + port.group(1) + " ssh-ed25519 AAAA"))
              .findFirst()
              .orElse(null);
      assertNotNull(known, printed);

      // A host pins exactly the printed line, with strict checking, and logs in.
      Files.writeString(m.knownHosts, known + "\n");
      try (SftpBackend bar =
          SftpBackend.connect(
              "bar", "127.0.0.1", Integer.parseInt(port.group(1)), "/", m.ssh(barKey))) {
        bar.put("bar/latest", "x\n".getBytes(StandardCharsets.UTF_8));
      }

      p.toHandle().destroy(); // SIGTERM, keeping our end of its stdout open
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "master did not stop on SIGTERM");
      StringBuilder rest = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        rest.append(line).append('\n');
      }
      assertTrue(rest.toString().contains("pacha master stopped"), rest.toString());
      assertEquals(143, p.exitValue());
      assertEquals("x\n", Files.readString(m.hosts.resolve("bar/latest")));
      assertEquals("", Files.readString(tmp.resolve("serve.err")));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void watchAndVerify_hostConfigWithTheEmbeddedMastersUrl_pushesAndChecksOut() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      Path barKey = m.addHost("bar");
      m.addHost("foo");
      int port = m.start().port();
      Path disk = tmp.resolve("disk");
      Files.createDirectories(disk.resolve("opt/foo"));
      Files.writeString(disk.resolve("opt/foo/app.conf"), "port = 8080\n");
      Path config = barConfig(m, barKey, port);
      Run push =
          pacha(
              "--config",
              config.toString(),
              "watch",
              "--target-root",
              disk.toString(),
              disk.resolve("opt/foo").toString());
      assertEquals(0, push.code(), push.err());
      Run verify = pacha("--config", config.toString(), "verify", "bar");
      assertEquals(0, verify.code(), verify.err());
      assertTrue(verify.out().startsWith("ok"), verify.out());
      assertTrue(Files.exists(m.hosts.resolve("bar/latest")));

      Run other = pacha("--config", config.toString(), "verify", "foo");
      assertEquals(3, other.code(), other.err());
      assertTrue(other.err().contains("denied"), other.err());
    }
  }

  @Test
  void hooksPush_adminKey_masterUrlEndsInSlash_printsEachPathWithOneSlash() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      m.addHost("bar");
      Path adminKey = m.key("admin");
      int port =
          m.start(
                  MasterSettings.of(m.hosts, "127.0.0.1", 0)
                      .withAdminKeys(MasterFixture.pub(adminKey)))
              .port();
      Path pre = Files.createDirectories(tmp.resolve("pre"));
      Files.writeString(pre.resolve("10-users"), "#!/bin/sh\n");
      Path post = Files.createDirectories(tmp.resolve("post"));
      Run r =
          pacha(
              "--config",
              config(m, "admin", adminKey, port).toString(),
              "hooks",
              "push",
              "bar",
              "--pre",
              pre.toString(),
              "--post",
              post.toString());
      assertEquals(0, r.code(), r.err());
      String master = "sftp://admin@127.0.0.1:" + port + "/";
      assertTrue(
          r.out().contains("Pushed 1 hook to " + master + "bar/pacha_pre: 10-users\n"), r.out());
      assertTrue(r.out().contains("Pushed 0 hooks to " + master + "bar/pacha_post\n"), r.out());
      assertFalse(r.out().contains(port + "//"), r.out());
      assertTrue(Files.exists(m.hosts.resolve("bar/pacha_pre/10-users")));
    }
  }

  @Test
  void hooksPush_hostsOwnKey_exitsThreeWithOneLineSayingHooksNeedAnAdminKey() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      Path barKey = m.addHost("bar");
      Files.createDirectories(m.hosts.resolve("bar/pacha_pre"));
      int port = m.start().port();
      Path pre = Files.createDirectories(tmp.resolve("pre"));
      Files.writeString(pre.resolve("00-persist"), "#!/bin/sh\n");
      Run r =
          pacha(
              "--config",
              barConfig(m, barKey, port).toString(),
              "hooks",
              "push",
              "bar",
              "--pre",
              pre.toString());
      assertEquals(3, r.code(), r.err());
      assertTrue(r.err().contains("hooks need an admin key"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(Files.exists(m.hosts.resolve("bar/pacha_pre/00-persist")));
    }
  }

  @Test
  void hooksPush_onTheMasterItself_fileUrl_works() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      m.addHost("bar");
      Path pre = Files.createDirectories(tmp.resolve("pre"));
      Files.writeString(pre.resolve("10-users"), "#!/bin/sh\n");
      Path conf =
          Files.writeString(
              tmp.resolve("master.conf"),
              "[DEFAULT]\npacha.master = True\npacha.master.url = file://"
                  + m.hosts
                  + "\npacha.state.dir = "
                  + tmp.resolve("state")
                  + "\n");
      Run r = pacha("--config", conf.toString(), "hooks", "push", "bar", "--pre", pre.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("#!/bin/sh\n", Files.readString(m.hosts.resolve("bar/pacha_pre/10-users")));
    }
  }

  /** Host bar's config for the embedded master at sftp://bar@127.0.0.1:PORT/ (the root). */
  private Path barConfig(MasterFixture m, Path barKey, int port) throws java.io.IOException {
    return config(m, "bar", barKey, port);
  }

  /** A config logging in as {@code user} with {@code key}, at the embedded master's root. */
  private Path config(MasterFixture m, String user, Path key, int port) throws java.io.IOException {
    return Files.writeString(
        tmp.resolve(user + ".conf"),
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.hostname = bar",
            "pacha.master.url = sftp://" + user + "@127.0.0.1:" + port + "/",
            "pacha.ssh.identity = " + key,
            "pacha.ssh.known_hosts = " + m.knownHosts,
            "pacha.state.dir = " + tmp.resolve("state"),
            OpenSshServer.clientLine().orElse(""),
            ""));
  }

  @Test
  void serve_portInUse_exitsThreeWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run r =
          pacha(
              "master",
              "serve",
              "--hosts-path",
              tmp.resolve("hosts").toString(),
              "--bind",
              "127.0.0.1",
              "--port",
              Integer.toString(taken.getLocalPort()));
      assertEquals(3, r.code(), r.err());
      assertTrue(r.err().contains("in use"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  @Test
  void serve_hostsPathThatCannotBeMade_exitsTwo() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Run r =
        pacha(
            "master",
            "serve",
            "--hosts-path",
            file.resolve("hosts").toString(),
            "--port",
            "0",
            "--bind",
            "127.0.0.1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("hosts path"), r.err());
  }

  @Test
  void serve_badAdminKeysFile_exitsTwo() throws Exception {
    Path admins = Files.writeString(tmp.resolve("admins"), "not a key\n");
    Run r =
        pacha(
            "master",
            "serve",
            "--hosts-path",
            tmp.resolve("hosts").toString(),
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--admin-keys",
            admins.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(admins + " line 1"), r.err());
  }

  @Test
  void serve_portOutOfRange_exitsTwo() {
    Run r = pacha("master", "serve", "--hosts-path", tmp.toString(), "--port", "70000");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--port"), r.err());
  }

  @Test
  void hostAdd_withKeyOnTheMaster_storesTheKeyForThatHostOnly() throws Exception {
    MasterFixture m = new MasterFixture(tmp);
    Path key = m.key("bar");
    Path config =
        Files.writeString(
            tmp.resolve("master.conf"),
            "[DEFAULT]\npacha.master = True\npacha.hosts.path = " + m.hosts + "\n");
    Run r =
        pacha(
            "--config",
            config.toString(),
            "host",
            "add",
            "bar",
            "--key",
            MasterFixture.pub(key).toString());
    assertEquals(0, r.code(), r.err());
    Path stored = m.hosts.resolve(".pacha-master/keys/bar.pub");
    assertEquals(Files.readString(MasterFixture.pub(key)).trim(), Files.readString(stored).trim());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)));
    assertTrue(Files.isDirectory(m.hosts.resolve("bar/pacha_pre")));
    assertFalse(Files.exists(m.hosts.resolve(".pacha-master/keys/foo.pub")));

    Run again =
        pacha(
            "--config",
            config.toString(),
            "host",
            "add",
            "bar",
            "--key",
            MasterFixture.pub(key).toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("0 added, 1 already there"), again.out());
    assertEquals(1, Files.readAllLines(stored).size());
  }

  @Test
  void hostAdd_withKeyOffTheMaster_exitsTwoAndWritesNothing() throws Exception {
    MasterFixture m = new MasterFixture(tmp);
    Path key = m.key("bar");
    Path config =
        Files.writeString(
            tmp.resolve("host.conf"),
            "[DEFAULT]\npacha.host = master.example.com\npacha.hosts.path = " + m.hosts + "\n");
    Run r =
        pacha(
            "--config",
            config.toString(),
            "host",
            "add",
            "bar",
            "--key",
            MasterFixture.pub(key).toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("run this on the master"), r.err());
    assertFalse(Files.exists(m.hosts));
  }

  @Test
  void hostAdd_withPrivateKey_exitsTwo() throws Exception {
    MasterFixture m = new MasterFixture(tmp);
    Path key = m.key("bar");
    Path config =
        Files.writeString(
            tmp.resolve("master.conf"),
            "[DEFAULT]\npacha.master = True\npacha.hosts.path = " + m.hosts + "\n");
    Run r = pacha("--config", config.toString(), "host", "add", "bar", "--key", key.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("private key"), r.err());
    assertFalse(Files.exists(m.hosts.resolve("bar")));
  }
}
