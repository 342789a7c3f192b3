package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.Reporter;
import dev.pacha.store.HostStore;
import dev.pacha.store.Manifest;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotWriter;
import dev.pacha.store.Verifier;
import dev.pacha.track.Scanner;
import dev.pacha.transport.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many hosts pushing at the same moment are all served, and every snapshot checks out. */
class MasterConcurrencyIT {
  static final int HOSTS = 50;
  static final int FILES = 5;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void push_fiftyHostsAtOnce_everySnapshotVerifies() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < HOSTS; i++) {
        names.add(String.format("host%02d", i));
      }
      // ssh-keygen runs are independent: make the 50 keys side by side.
      List<Path> keys = new ArrayList<>();
      ExecutorService keygen = Executors.newFixedThreadPool(8);
      try {
        List<Future<Path>> made = new ArrayList<>();
        for (String host : names) {
          made.add(keygen.submit(() -> m.key(host)));
        }
        for (Future<Path> f : made) {
          keys.add(f.get());
        }
      } finally {
        keygen.shutdownNow();
      }
      for (String host : names) {
        m.addHost(host);
        writeTree(tmp.resolve("disks").resolve(host), host);
      }
      // Fifty hosts from one address at once are more than the master's default share of one
      // address (20 not yet logged in); a fleet behind one NAT address gets this setting.
      MasterSettings.Limits d = MasterSettings.Limits.DEFAULTS;
      m.start(
          MasterSettings.of(m.hosts, "127.0.0.1", 0)
              .withStopGrace(java.time.Duration.ofSeconds(2))
              .withLimits(
                  new MasterSettings.Limits(
                      d.maxStartups(),
                      HOSTS,
                      d.loginGraceTime(),
                      d.idleTimeout(),
                      d.maxSessions())));

      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(HOSTS);
      List<Future<SnapshotWriter.PushResult>> pushes = new ArrayList<>();
      try {
        for (int i = 0; i < HOSTS; i++) {
          String host = names.get(i);
          Path key = keys.get(i);
          Path disk = tmp.resolve("disks").resolve(host);
          pushes.add(
              pool.submit(
                  () -> {
                    go.await();
                    try (MasterStore store = new MasterStore(m.connect(host, key), null)) {
                      Scanner.Result scan = new Scanner(disk).scan(List.of("/etc/app"));
                      SnapshotWriter.PushResult r =
                          new SnapshotWriter(store.host(host), Reporter.silent())
                              .push(disk, List.of("/etc/app"), scan);
                      // Each host reads its own snapshot back through the master, too.
                      Verifier.require(Verifier.verify(store.host(host), r.snapshot()));
                      return r;
                    }
                  }));
        }
        go.countDown();
        for (Future<SnapshotWriter.PushResult> f : pushes) {
          SnapshotWriter.PushResult r = f.get(100, TimeUnit.SECONDS);
          assertTrue(r.changed());
          assertEquals(FILES, r.uploadedObjects(), r.host());
        }
      } finally {
        pool.shutdownNow();
      }

      // The disk behind the master holds every snapshot whole.
      try (MasterStore onDisk = new MasterStore(new LocalBackend(m.hosts), null)) {
        assertEquals(names, onDisk.hosts());
        for (String host : names) {
          HostStore hs = onDisk.host(host);
          String latest = hs.catalog().latest().orElseThrow();
          Verifier.Result v = Verifier.verify(hs, latest);
          assertTrue(v.ok(), host + ": " + v.problems());
          assertEquals(FILES, v.objects(), host);
          Manifest manifest = hs.catalog().manifest(latest);
          assertTrue(
              manifest.entries().stream()
                  .anyMatch(e -> e.path().equals("/etc/app/conf-0") && e.size() > 0),
              host);
        }
      }
      assertTrue(m.warnings.isEmpty(), m.warnings.toString());
    }
  }

  /** A small tree under DISK/etc/app whose contents differ from host to host. */
  private static void writeTree(Path disk, String host) throws Exception {
    Path app = disk.resolve("etc/app");
    Files.createDirectories(app.resolve("conf.d"));
    for (int f = 0; f < FILES - 1; f++) {
      Files.writeString(
          app.resolve("conf-" + f), host + " setting " + f + "\n".repeat(f * 100 + 1));
    }
    Files.writeString(app.resolve("conf.d/extra.conf"), "owner = " + host + "\n");
  }
}
