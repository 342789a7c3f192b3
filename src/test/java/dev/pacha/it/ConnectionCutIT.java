package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.CuttingRelay;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.TreeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to a real OpenSSH master is cut after N bytes, at many points across a push and a
 * rebuild. Whatever the point: exit code 3, no target file half-written or missing, the latest
 * pointer never names an incomplete snapshot, and a rerun completes.
 */
class ConnectionCutIT {
  static final int CUT_POINTS = 12;

  @TempDir Path tmp;
  OpenSshServer sshd;
  CuttingRelay relay;
  PachaCli pacha;
  Path sandbox;
  Path foo;
  Path master;
  Path config;
  Path relayKnownHosts;

  @BeforeEach
  void start() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    relay = new CuttingRelay(sshd.port());
    pacha = new PachaCli(tmp);
    sandbox = tmp.resolve("sandbox");
    master = Files.createDirectories(tmp.resolve("master"));
    // pacha talks to the relay; the relay's port gets the sshd's pinned host key.
    Path kh = tmp.resolve("relay_known_hosts");
    relayKnownHosts = kh;
    Files.writeString(
        kh,
        Files.readString(sshd.knownHosts())
            .replace(":" + sshd.port() + " ", ":" + relay.port() + " "));
    config =
        sshd.config(
            tmp.resolve("pacha.conf"),
            "bar",
            master,
            tmp.resolve("state"),
            "pacha.ssh.port = " + relay.port(),
            "pacha.ssh.known_hosts = " + kh);
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    write(foo, 0, 40);
  }

  @AfterEach
  void stop() throws Exception {
    relay.close();
    sshd.close();
  }

  /** Files of varied sizes, some large enough to span many SFTP packets. */
  private static void write(Path dir, int seed, int count) throws Exception {
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[i % 10 == 0 ? 300_000 : 200 + r.nextInt(5000)];
      r.nextBytes(b);
      Files.write(dir.resolve("f" + i), b);
    }
  }

  private PachaCli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return pacha.run(all.toArray(String[]::new));
  }

  private String latest() throws Exception {
    Path p = master.resolve("bar/latest");
    return Files.exists(p) ? Files.readString(p).trim() : "";
  }

  /** Cut points spread over a run of {@code total} bytes, from the handshake to the last byte. */
  private static List<Long> cutPoints(long total) {
    List<Long> points = new ArrayList<>();
    for (int i = 0; i < CUT_POINTS; i++) {
      points.add(Math.max(100, total * (2 * i + 1) / (2 * CUT_POINTS)));
    }
    return points;
  }

  @Test
  void push_cutAtManyPoints_exitThreeLatestAlwaysCompleteRerunCompletes() throws Exception {
    relay.cutAfter(Long.MAX_VALUE);
    assertEquals(0, cli("--watch", foo.toString(), "--target-root", sandbox.toString()).code());
    int round = 0;
    for (int pass = 0; pass < 2; pass++) {
      write(foo, 100 + pass, 40); // new contents for every file: a full upload
      relay.cutAfter(Long.MAX_VALUE);
      String before = latest();
      // Measure this push's size on a copy of the master, then cut real pushes at points in it.
      long total = measurePush();
      for (long cut : cutPoints(total)) {
        round++;
        relay.cutAfter(cut);
        PachaCli.Run r = cli("push");
        assertEquals(3, r.code(), "cut after " + cut + " of " + total + " bytes: " + r);
        assertEquals(before, latest(), "an interrupted push never becomes the latest");
        relay.cutAfter(Long.MAX_VALUE);
        PachaCli.Run v = cli("verify", "bar");
        assertEquals(0, v.code(), "the latest snapshot stays verifiable: " + v);
      }
      relay.cutAfter(Long.MAX_VALUE);
      PachaCli.Run rerun = cli("push");
      assertEquals(0, rerun.code(), rerun::toString);
      assertTrue(!latest().equals(before), "the rerun completes the push");
      assertEquals(0, cli("verify", "bar").code());
    }
    assertTrue(round >= 20, "at least 20 cut points: " + round);
  }

  @Test
  void push_largeOverTwoConnections_cutAtManyPoints_latestAlwaysCompleteRerunCompletes()
      throws Exception {
    relay.cutAfter(Long.MAX_VALUE);
    assertEquals(0, cli("--watch", foo.toString(), "--target-root", sandbox.toString()).code());
    // Past SnapshotWriter.PARALLEL_THRESHOLD: the upload goes over two SSH connections at once.
    Random r = new Random(3);
    for (int i = 0; i < 6; i++) {
      byte[] b = new byte[3 << 20];
      r.nextBytes(b);
      Files.write(foo.resolve("big" + i), b);
    }
    String before = latest();
    long total = measurePush();
    // Asked of the measured push, which starts from the same store as every cut one: a rerun
    // after cuts may find packs that a cut push completed, and then have less to send.
    assertEquals(2, relay.connections(), "the large push went over two connections");
    List<Long> points = cutPoints(total);
    for (int i = 0; i < points.size(); i += 2) {
      long cut = points.get(i);
      relay.cutAfter(cut);
      PachaCli.Run run = cli("push");
      assertEquals(3, run.code(), "cut after " + cut + " of " + total + " bytes: " + run);
      assertEquals(before, latest(), "an interrupted push never becomes the latest");
      relay.cutAfter(Long.MAX_VALUE);
      assertEquals(0, cli("verify", "bar").code(), "the latest snapshot stays verifiable");
    }
    relay.cutAfter(Long.MAX_VALUE);
    PachaCli.Run rerun = cli("push");
    assertEquals(0, rerun.code(), rerun::toString);
    assertTrue(!latest().equals(before), "the rerun completes the push");
    PachaCli.Run v = cli("verify", "bar");
    assertEquals(0, v.code(), v::toString);
  }

  /** Bytes one push of the current tree moves, measured against a scratch copy of the store. */
  private long measurePush() throws Exception {
    String run = Long.toString(System.nanoTime());
    Path copy = tmp.resolve("measure-master-" + run);
    Path state = tmp.resolve("measure-state-" + run);
    copyTree(master, copy);
    copyTree(tmp.resolve("state"), state);
    Path measureConfig =
        sshd.config(
            tmp.resolve("measure.conf"),
            "bar",
            copy,
            state,
            "pacha.ssh.port = " + relay.port(),
            "pacha.ssh.known_hosts = " + relayKnownHosts);
    relay.cutAfter(Long.MAX_VALUE);
    PachaCli.Run r = pacha.run("--config", measureConfig.toString(), "push");
    assertEquals(0, r.code(), r::toString);
    return relay.passed();
  }

  @Test
  void rebuild_cutAtManyPoints_exitThreeTargetUntouchedRerunCompletes() throws Exception {
    relay.cutAfter(Long.MAX_VALUE);
    assertEquals(0, cli("--watch", foo.toString(), "--target-root", sandbox.toString()).code());
    Map<String, String> snapshot = TreeState.of(foo);
    // What stands on the new machine before the rebuild: an older, different tree.
    RebuildIT.deleteTree(foo);
    Files.createDirectories(foo);
    write(foo, 7, 5);
    Map<String, String> before = TreeState.of(sandbox);

    relay.cutAfter(Long.MAX_VALUE);
    PachaCli.Run full =
        cli("rebuild", "bar", "--yes", "--target-root", tmp.resolve("measure-target").toString());
    assertEquals(0, full.code(), full::toString);
    long total = relay.passed();

    for (long cut : cutPoints(total)) {
      relay.cutAfter(cut);
      PachaCli.Run r = cli("rebuild", "bar", "--yes", "--target-root", sandbox.toString());
      assertEquals(3, r.code(), "cut after " + cut + " of " + total + " bytes: " + r);
      assertEquals(
          before, TreeState.of(sandbox), "nothing placed, nothing half-written, nothing missing");
      try (Stream<Path> s = Files.list(sandbox.resolve("opt"))) {
        assertEquals(List.of(foo), s.toList(), "no temporary trees left beside the target");
      }
    }
    relay.cutAfter(Long.MAX_VALUE);
    PachaCli.Run rerun = cli("rebuild", "bar", "--yes", "--target-root", sandbox.toString());
    assertEquals(0, rerun.code(), rerun::toString);
    assertEquals(snapshot, TreeState.of(foo));
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
