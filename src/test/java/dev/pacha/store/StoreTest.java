package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.track.Entry;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import dev.pacha.transport.LocalBackend;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store layout and its guarantees, on the local-filesystem backend. */
class StoreTest {
  @TempDir Path tmp;
  Path disk;
  Path master;

  @BeforeEach
  void tree() throws Exception {
    disk = tmp.resolve("disk");
    master = Files.createDirectories(tmp.resolve("master"));
    Files.createDirectories(disk.resolve("opt/foo/sub"));
    Files.writeString(disk.resolve("opt/foo/a"), "alpha");
    Files.writeString(disk.resolve("opt/foo/sub/b"), "beta");
    Files.writeString(disk.resolve("opt/foo/sub/same-as-a"), "alpha");
  }

  private SnapshotWriter.PushResult push(Backend backend) {
    HostStore hs = new MasterStore(backend, tmp.resolve("cache")).host("bar");
    return new SnapshotWriter(hs, Reporter.silent())
        .push(disk, List.of("/opt/foo"), new Scanner(disk).scan(List.of("/opt/foo")));
  }

  private HostStore bar() {
    return new MasterStore(new LocalBackend(master), null).host("bar");
  }

  @Test
  void push_layout_packsSnapshotsAndLatestWrittenLast() throws Exception {
    SnapshotWriter.PushResult r = push(new LocalBackend(master));
    assertTrue(r.changed());
    assertEquals(2, r.uploadedObjects(), "identical contents are stored once");
    assertEquals(r.snapshot() + "\n", Files.readString(master.resolve("bar/latest")));
    assertTrue(Files.exists(master.resolve("bar/snapshots/" + r.snapshot() + ".json")));
    Manifest m = bar().manifest(r.snapshot());
    assertEquals(List.of("/opt/foo"), m.roots());
    assertEquals(5, m.entries().size());
    assertTrue(Verifier.verify(bar(), r.snapshot()).ok());
  }

  @Test
  void push_unchangedTree_writesNoNewSnapshot() {
    SnapshotWriter.PushResult first = push(new LocalBackend(master));
    SnapshotWriter.PushResult second = push(new LocalBackend(master));
    assertFalse(second.changed());
    assertEquals(first.snapshot(), second.snapshot());
    assertEquals(1, bar().snapshotIds().size());
  }

  @Test
  void push_revertedFile_isNotUploadedAgain() throws Exception {
    push(new LocalBackend(master));
    Files.writeString(disk.resolve("opt/foo/a"), "changed");
    assertEquals(1, push(new LocalBackend(master)).uploadedObjects());
    Files.writeString(disk.resolve("opt/foo/a"), "alpha");
    SnapshotWriter.PushResult back = push(new LocalBackend(master));
    assertTrue(back.changed());
    assertEquals(0, back.uploadedObjects(), "alpha is on the master already");
  }

  @Test
  void push_interruptedBeforeLatest_neverBecomesLatest() throws Exception {
    SnapshotWriter.PushResult first = push(new LocalBackend(master));
    Files.writeString(disk.resolve("opt/foo/a"), "new content");
    Backend failing = new FailingBackend(new LocalBackend(master), "bar/latest");
    PachaException e = assertThrows(PachaException.class, () -> push(failing));
    assertEquals(PachaException.Kind.UNREACHABLE, e.kind());
    assertEquals(Optional.of(first.snapshot()), bar().latest());
    assertTrue(Verifier.verify(bar(), first.snapshot()).ok());
  }

  @Test
  void push_interruptedMidPack_leavesNoPartialObjectBehindAName() throws Exception {
    Backend failing = new FailingBackend(new LocalBackend(master), ".pack");
    assertThrows(PachaException.class, () -> push(failing));
    assertEquals(Optional.empty(), bar().latest());
    try (Stream<Path> s = Files.walk(master)) {
      assertEquals(
          List.of(),
          s.filter(p -> p.toString().matches(".*(\\.pack|\\.idx|\\.tmp-[0-9a-f]+)$")).toList());
    }
  }

  @Test
  void fetch_missingPack_reportsEveryEntryInIt() throws Exception {
    SnapshotWriter.PushResult r = push(new LocalBackend(master));
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".pack")).toList()) {
        Files.delete(p);
      }
    }
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertEquals(3, v.problems().size(), v.problems().toString());
    assertTrue(v.problems().get(0).contains("missing"), v.problems().toString());
  }

  @Test
  void fetch_truncatedPack_reported() throws Exception {
    SnapshotWriter.PushResult r = push(new LocalBackend(master));
    Path pack;
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(pack);
    Files.write(pack, java.util.Arrays.copyOf(b, b.length - 2));
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertFalse(v.ok());
    assertTrue(v.problems().toString().contains("truncated"), v.problems().toString());
  }

  @Test
  void manifest_notJson_isIntegrityFailure() throws Exception {
    SnapshotWriter.PushResult r = push(new LocalBackend(master));
    Files.writeString(master.resolve("bar/snapshots/" + r.snapshot() + ".json"), "{ not json");
    PachaException e = assertThrows(PachaException.class, () -> bar().manifest(r.snapshot()));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("not valid"), e.getMessage());
  }

  private static Entry file(String path) {
    return new Entry(
        path,
        Entry.FILE,
        "0644",
        0,
        0,
        "root",
        "root",
        1,
        "2020-01-01T00:00:00Z",
        "a".repeat(64),
        null);
  }

  private static Entry dir(String path) {
    return new Entry(
        path, Entry.DIR, "0755", 0, 0, "root", "root", 0, "2020-01-01T00:00:00Z", null, null);
  }

  private static Entry link(String path) {
    return new Entry(
        path, Entry.SYMLINK, "0777", 0, 0, "root", "root", 0, "2020-01-01T00:00:00Z", null, "/etc");
  }

  private static List<String> problems(Entry... entries) {
    Manifest m =
        new Manifest(1, "x", "bar", "now", List.of("/opt/foo"), List.of(), List.of(entries));
    return ManifestCheck.problems(m, "bar");
  }

  @Test
  void manifestCheck_hostileEntries_eachRejected() {
    Entry root = dir("/opt/foo");
    assertEquals(List.of(), problems(root, file("/opt/foo/a")));
    assertFalse(problems(root, file("/opt/foo/../../etc/passwd")).isEmpty(), "..");
    assertFalse(problems(root, file("opt/foo/a")).isEmpty(), "relative");
    assertFalse(problems(root, file("/etc/passwd")).isEmpty(), "outside the roots");
    assertFalse(
        problems(root, link("/opt/foo/l"), file("/opt/foo/l/passwd")).isEmpty(), "through a link");
    assertFalse(problems(root, file("/opt/foo/a"), file("/opt/foo/a")).isEmpty(), "duplicate");
    Entry huge =
        new Entry(
            "/opt/foo/h",
            Entry.FILE,
            "0644",
            0,
            0,
            "root",
            "root",
            Long.MAX_VALUE,
            "2020-01-01T00:00:00Z",
            "a".repeat(64),
            null);
    assertFalse(problems(root, huge).isEmpty(), "absurd size");
    Entry badMode =
        new Entry(
            "/opt/foo/m",
            Entry.FILE,
            "99999",
            0,
            0,
            "root",
            "root",
            1,
            "2020-01-01T00:00:00Z",
            "a".repeat(64),
            null);
    assertFalse(problems(root, badMode).isEmpty(), "bad mode");
    Entry badSha =
        new Entry(
            "/opt/foo/s",
            Entry.FILE,
            "0644",
            0,
            0,
            "root",
            "root",
            1,
            "2020-01-01T00:00:00Z",
            "zz",
            null);
    assertFalse(problems(root, badSha).isEmpty(), "bad sha");
    assertFalse(problems(root, file("/opt/foo/x/y")).isEmpty(), "no parent dir");
  }

  /** A backend that fails any upload whose path contains a marker, like a cut connection. */
  private static final class FailingBackend implements Backend {
    private final Backend real;
    private final String marker;

    FailingBackend(Backend real, String marker) {
      this.real = real;
      this.marker = marker;
    }

    @Override
    public String describe() {
      return real.describe();
    }

    @Override
    public List<String> list(String dir) throws IOException {
      return new ArrayList<>(real.list(dir));
    }

    @Override
    public boolean exists(String path) throws IOException {
      return real.exists(path);
    }

    @Override
    public InputStream read(String path, long offset) throws IOException {
      return real.read(path, offset);
    }

    @Override
    public Upload upload(String path) throws IOException {
      Upload up = real.upload(path);
      if (!path.contains(marker)) {
        return up;
      }
      return new Upload() {
        @Override
        public java.io.OutputStream stream() {
          return up.stream();
        }

        @Override
        public void commit() throws IOException {
          throw new TransportException("connection cut (test)");
        }

        @Override
        public void close() throws IOException {
          up.close();
        }
      };
    }

    @Override
    public void mkdirs(String dir) throws IOException {
      real.mkdirs(dir);
    }

    @Override
    public void delete(String path) throws IOException {
      real.delete(path);
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }
}
