package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pacha.testing.CuttingRelay;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push daemon, run through the real launcher against a real sshd. */
class DaemonIT {
  static final Path LAUNCHER = PromptIT.LAUNCHER;

  @TempDir Path tmp;
  OpenSshServer sshd;
  Path foo;
  Path master;
  Path config;
  Path log;
  final List<Process> daemons = new ArrayList<>();

  @BeforeEach
  void watch() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    master = Files.createDirectories(tmp.resolve("master"));
    log = tmp.resolve("log/pacha.log");
    config = sshd.config(tmp.resolve("pacha.conf"), "bar", master, tmp.resolve("state"), extras());
    foo = Files.createDirectories(tmp.resolve("sandbox/opt/foo"));
    Files.writeString(foo.resolve("a.conf"), "one\n");
    Tools.Result r =
        pacha("--watch", foo.toString(), "--target-root", tmp.resolve("sandbox").toString());
    assertEquals(0, r.code(), r.output());
  }

  private String[] extras(String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "pacha.frequency = 10",
                "pacha.log.enable = True",
                "pacha.log.path = " + log,
                "pacha.log.level = INFO",
                "pacha.log.datefmt = %Y-%m-%d %H:%M:%S"));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : daemons) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    pacha("daemon", "stop");
    sshd.close();
  }

  private Tools.Result pacha(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString(), "--config", config.toString()));
    cmd.addAll(List.of(args));
    return Tools.exec(tmp, null, cmd);
  }

  private String latest() throws Exception {
    Path p = master.resolve("bar/latest");
    return Files.exists(p) ? Files.readString(p).trim() : "";
  }

  private String awaitNewLatest(String before, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String now = latest();
      if (!now.equals(before)) {
        return now;
      }
      Thread.sleep(200);
    }
    fail(
        "no new snapshot within "
            + seconds
            + " s; log:\n"
            + (Files.exists(log) ? Files.readString(log) : "(none)"));
    return null;
  }

  private Process foreground() throws Exception {
    Process p =
        new ProcessBuilder(
                LAUNCHER.toString(), "--config", config.toString(), "daemon", "foreground")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("foreground.out").toFile())
            .start();
    daemons.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(tmp.resolve("state/daemon.pid"))) {
      assertTrue(System.nanoTime() < deadline && p.isAlive(), "daemon did not start");
      Thread.sleep(100);
    }
    return p;
  }

  @Test
  void daemon_fileChanged_pushedWithinOnePeriodAndLogged() throws Exception {
    String first = latest();
    foreground();
    Files.writeString(foo.resolve("a.conf"), "two\n");
    // One 10 s period, plus room for a loaded CI machine to start the JVM and push.
    awaitNewLatest(first, 25);
    // The daemon logs the push just after it wrote the latest pointer.
    String logged = "";
    for (int i = 0; i < 100 && !logged.contains("pushed snapshot"); i++) {
      Thread.sleep(100);
      logged = Files.exists(log) ? Files.readString(log) : "";
    }
    assertTrue(
        logged.matches(
            "(?s).*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d INFO pacha pushed snapshot .*"),
        logged);
  }

  @Test
  void daemon_changeWhileMasterDown_pushedAfterItReturns() throws Exception {
    String first = latest();
    foreground();
    Thread.sleep(1500); // the daemon's first round has run
    sshd.stopServer();
    Files.writeString(foo.resolve("a.conf"), "changed during the outage\n");
    Thread.sleep(4000);
    assertEquals(first, latest(), "nothing could be pushed while the master was down");
    assertTrue(Files.readString(log).contains("WARNING pacha push failed"), Files.readString(log));
    sshd.restart();
    String after = awaitNewLatest(first, 25);
    assertNotEquals(first, after);
    String manifest = Files.readString(master.resolve("bar/snapshots/" + after + ".json"));
    assertTrue(manifest.contains("\"size\" : 26"), "the outage's change is in the snapshot");
  }

  @Test
  void daemon_startStatusStop_managesABackgroundProcess() throws Exception {
    assertEquals(1, pacha("daemon", "status").code());
    Tools.Result start = pacha("--daemon-start");
    assertEquals(0, start.code(), start.output());
    Tools.Result status = pacha("--daemon-status");
    assertEquals(0, status.code(), status.output());
    assertTrue(status.output().contains("runs (pid"), status.output());
    Tools.Result stop = pacha("--daemon-stop");
    assertEquals(0, stop.code(), stop.output());
    assertEquals(1, pacha("daemon", "status").code());
    assertFalse(Files.exists(tmp.resolve("state/daemon.pid")));
  }

  @Test
  void runOnce_pushesOnlyWhenChangedAndExitsThreeWhenMasterDown() throws Exception {
    String first = latest();
    Tools.Result same = pacha("--daemon-run-once");
    assertEquals(0, same.code(), same.output());
    assertEquals(first, latest(), "nothing changed, nothing pushed");
    Files.writeString(foo.resolve("a.conf"), "three\n");
    sshd.stopServer();
    Tools.Result down = pacha("--daemon-run-once");
    assertEquals(3, down.code(), down.output());
    sshd.restart();
    Tools.Result up = pacha("daemon", "run-once");
    assertEquals(0, up.code(), up.output());
    assertNotEquals(first, latest());
  }

  /** The config now reaches the master through a relay that can drop connections. */
  private void relayed(CuttingRelay relay) throws Exception {
    Path kh = tmp.resolve("relay_known_hosts");
    Files.writeString(
        kh,
        Files.readString(sshd.knownHosts())
            .replace(":" + sshd.port() + " ", ":" + relay.port() + " "));
    sshd.config(
        config,
        "bar",
        master,
        tmp.resolve("state"),
        extras("pacha.ssh.port = " + relay.port(), "pacha.ssh.known_hosts = " + kh));
  }

  @Test
  void push_whileDaemonRuns_servedByItOverAKeptConnectionThatReconnects() throws Exception {
    try (CuttingRelay relay = new CuttingRelay(sshd.port())) {
      relayed(relay);
      foreground();
      awaitSocket();
      String before = latest();
      Files.writeString(foo.resolve("a.conf"), "served\n");
      relay.cutAfter(Long.MAX_VALUE);
      Tools.Result first = pacha("-v", "push");
      assertEquals(0, first.code(), first.output());
      assertTrue(first.output().contains("pushed by the push daemon"), first.output());
      assertNotEquals(before, latest());
      assertTrue(Files.readString(log).contains("push requested by pacha push"));
      int connections = relay.connections();

      // The daemon keeps its connection: the next push opens none.
      Files.writeString(foo.resolve("a.conf"), "served again\n");
      String second = latest();
      Tools.Result again = pacha("-v", "push");
      assertEquals(0, again.code(), again.output());
      assertNotEquals(second, latest());
      assertEquals(connections, relay.connections(), "the kept connection was used");

      // The kept connection is dropped (seen at once): the push connects again.
      relay.dropAll();
      Files.writeString(foo.resolve("a.conf"), "after the drop\n");
      String third = latest();
      Tools.Result after = pacha("-v", "push");
      assertEquals(0, after.code(), after.output());
      assertTrue(after.output().contains("pushed by the push daemon"), after.output());
      assertNotEquals(third, latest());
      assertEquals(connections + 1, relay.connections(), "one new connection");

      // The kept connection died quietly: the push fails on it, connects again once, and works.
      relay.cutOpenOnNextByte();
      Files.writeString(foo.resolve("a.conf"), "after a quiet drop\n");
      String fourth = latest();
      Tools.Result quiet = pacha("-v", "push");
      assertEquals(0, quiet.code(), quiet.output());
      // (The daemon may have seen the change first and pushed it itself: its log says so then.)
      assertTrue(
          (quiet.output() + Files.readString(log))
              .contains("the kept connection to the master failed"),
          quiet.output());
      assertNotEquals(fourth, latest());
      assertEquals(connections + 2, relay.connections(), "one more new connection");

      // The master is down: the daemon's error comes back as this push's, exit 3.
      sshd.stopServer();
      relay.dropAll();
      Files.writeString(foo.resolve("a.conf"), "while down\n");
      Tools.Result down = pacha("push");
      assertEquals(3, down.code(), down.output());
      assertTrue(down.output().startsWith("pacha: cannot connect"), down.output());
      assertEquals(1, down.output().lines().count(), down.output());
      sshd.restart();
    }
  }

  @Test
  void push_daemonKilled_pushesItselfPastTheStaleSocket() throws Exception {
    Process daemon = foreground();
    awaitSocket();
    daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertTrue(Files.exists(tmp.resolve("state/daemon.sock")), "a killed daemon leaves its socket");
    String before = latest();
    Files.writeString(foo.resolve("a.conf"), "no daemon\n");
    Tools.Result r = pacha("-v", "push");
    assertEquals(0, r.code(), r.output());
    assertFalse(r.output().contains("pushed by the push daemon"), r.output());
    assertNotEquals(before, latest());
  }

  private void awaitSocket() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(tmp.resolve("state/daemon.sock"))) {
      assertTrue(System.nanoTime() < deadline, "the daemon did not listen for pacha push");
      Thread.sleep(100);
    }
  }
}
