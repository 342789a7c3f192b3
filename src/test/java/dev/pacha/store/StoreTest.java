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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the local-filesystem backend shows (no temp files left behind) and manifest checks; the
 * store contract itself is {@link StoreContract}.
 */
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

  private SnapshotCatalog bar() {
    return new MasterStore(new LocalBackend(master), null).host("bar").catalog();
  }

  @Test
  void push_interruptedMidPack_leavesNoPartialObjectBehindAName() throws Exception {
    Backend failing = new StoreContract.Failing(new LocalBackend(master), ".pack");
    assertThrows(PachaException.class, () -> push(failing));
    assertEquals(Optional.empty(), bar().latest());
    try (Stream<Path> s = Files.walk(master)) {
      assertEquals(
          List.of(),
          s.filter(p -> p.toString().matches(".*(\\.pack|\\.idx|\\.tmp-[0-9a-f]+)$")).toList());
    }
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

  @Test
  void extent_readThroughRule_endsAtTheLastSlotOneStreamServes() {
    List<java.util.Map.Entry<String, PackIndex.Slot>> slots =
        List.of(
            java.util.Map.entry("a", new PackIndex.Slot("p", 0, 100)),
            java.util.Map.entry("b", new PackIndex.Slot("p", 100, 100)),
            java.util.Map.entry("c", new PackIndex.Slot("p", 500_000, 10)),
            java.util.Map.entry("d", new PackIndex.Slot("p", 3_000_000, 7)));
    // a gap under 1 MiB is read through; a larger one opens a new stream
    assertEquals(500_010, ContentFetcher.extent(slots, 0));
    assertEquals(500_010, ContentFetcher.extent(slots, 1));
    assertEquals(3_000_007, ContentFetcher.extent(slots, 3));
  }
}
