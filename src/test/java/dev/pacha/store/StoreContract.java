package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.hooks.HookPhase;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master store's contract, the same for every backend: per-host layout, each content stored
 * once, latest written last, integrity checks, listing and ranged reads, hook uploads. A subclass
 * per backend (local directory, SFTP to a real OpenSSH, S3 on a real S3-compatible server) only
 * says how to open an empty store.
 */
public abstract class StoreContract {
  @TempDir protected Path tmp;

  private Path disk;
  private Backend backend;

  /** Opens a backend on a fresh, empty store root; the test closes it. */
  protected abstract Backend openEmptyStore(Path tmp) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    disk = tmp.resolve("disk");
    Files.createDirectories(disk.resolve("opt/foo/sub"));
    Files.writeString(disk.resolve("opt/foo/a"), "alpha");
    Files.writeString(disk.resolve("opt/foo/sub/b"), "beta");
    Files.writeString(disk.resolve("opt/foo/sub/same-as-a"), "alpha");
    backend = openEmptyStore(tmp);
  }

  @AfterEach
  void closeStore() throws IOException {
    backend.close();
  }

  private SnapshotWriter.PushResult push(Backend through) {
    HostStore hs = new MasterStore(through, tmp.resolve("cache")).host("bar");
    return new SnapshotWriter(hs, Reporter.silent())
        .push(disk, List.of("/opt/foo"), new Scanner(disk).scan(List.of("/opt/foo")));
  }

  private SnapshotWriter.PushResult push() {
    return push(backend);
  }

  private HostStore bar() {
    return new MasterStore(backend, null).host("bar");
  }

  private List<String> packs(String suffix) throws IOException {
    return backend.list("bar/packs").stream().filter(n -> n.endsWith(suffix)).toList();
  }

  @Test
  void push_newTree_storesEachContentOnceAndWritesLatestLast() throws Exception {
    Recording recording = new Recording(backend);
    SnapshotWriter.PushResult r = push(recording);
    assertTrue(r.changed());
    assertEquals(2, r.uploadedObjects(), "identical contents are stored once");
    assertEquals(List.of("latest", "packs", "snapshots"), backend.list("bar"));
    assertEquals(1, packs(".pack").size());
    assertEquals(List.of(r.snapshot() + ".json"), backend.list("bar/snapshots"));
    String pack = packs(".pack").get(0).replace(".pack", "");
    assertEquals(
        List.of(
            "bar/packs/" + pack + ".pack",
            "bar/packs/" + pack + ".idx",
            "bar/snapshots/" + r.snapshot() + ".json",
            "bar/latest"),
        recording.committed,
        "pack, its index, the manifest, and the latest pointer last");
    assertEquals(Optional.of(r.snapshot()), bar().catalog().latest());
    Manifest m = bar().catalog().manifest(r.snapshot());
    assertEquals(List.of("/opt/foo"), m.roots());
    assertEquals(5, m.entries().size());
    assertTrue(Verifier.verify(bar(), r.snapshot()).ok());
  }

  @Test
  void push_oneFileChanged_uploadsOnlyThatContent() throws Exception {
    push();
    Files.writeString(disk.resolve("opt/foo/sub/b"), "beta, changed: 23 bytes");
    SnapshotWriter.PushResult second = push();
    assertEquals(1, second.uploadedObjects());
    assertEquals(23, second.uploadedBytes());
    assertEquals(1, second.reusedObjects());
    List<String> packs = packs(".pack");
    assertEquals(2, packs.size());
    assertEquals(23, backend.readAll("bar/packs/" + packs.get(1)).length, "the new pack");
    assertEquals(2, bar().catalog().snapshotIds().size());
    assertTrue(Verifier.verify(bar(), second.snapshot()).ok());
  }

  @Test
  void push_revertedFile_isNotUploadedAgain() throws Exception {
    push();
    Files.writeString(disk.resolve("opt/foo/a"), "changed");
    assertEquals(1, push().uploadedObjects());
    Files.writeString(disk.resolve("opt/foo/a"), "alpha");
    SnapshotWriter.PushResult back = push();
    assertTrue(back.changed());
    assertEquals(0, back.uploadedObjects(), "alpha is on the master already");
    assertEquals(2, packs(".pack").size());
  }

  @Test
  void push_unchangedTree_writesNoNewSnapshot() {
    SnapshotWriter.PushResult first = push();
    SnapshotWriter.PushResult second = push();
    assertFalse(second.changed());
    assertEquals(first.snapshot(), second.snapshot());
    assertEquals(1, bar().catalog().snapshotIds().size());
  }

  @Test
  void push_failsBeforeItsManifest_neverBecomesLatest() throws Exception {
    SnapshotWriter.PushResult first = push();
    Files.writeString(disk.resolve("opt/foo/a"), "new content");
    PachaException e =
        assertThrows(PachaException.class, () -> push(new Failing(backend, "bar/snapshots/")));
    assertEquals(PachaException.Kind.UNREACHABLE, e.kind());
    assertEquals(Optional.of(first.snapshot()), bar().catalog().latest());
    assertTrue(Verifier.verify(bar(), first.snapshot()).ok());
    assertEquals(first.snapshot() + "\n", new String(backend.readAll("bar/latest")));
  }

  @Test
  void push_appendOnlyMasterRefusesTheLatestPointer_pushesAndItsSnapshotIsLatest()
      throws Exception {
    SnapshotWriter.PushResult first = push();
    Files.writeString(disk.resolve("opt/foo/a"), "new content");
    SnapshotWriter.PushResult second = push(new Refusing(backend, "bar/latest"));
    assertTrue(second.changed());
    assertEquals(
        Optional.of(second.snapshot()), bar().catalog().latest(), "the newest manifest decides");
    assertEquals(first.snapshot() + "\n", new String(backend.readAll("bar/latest")));
    assertTrue(Verifier.verify(bar(), second.snapshot()).ok());
  }

  @Test
  void push_failsMidPack_leavesNoPackAndNoIndex() throws Exception {
    assertThrows(PachaException.class, () -> push(new Failing(backend, ".pack")));
    assertEquals(Optional.empty(), bar().catalog().latest());
    assertEquals(List.of(), backend.list("bar/packs"));
    assertEquals(List.of(), backend.list("bar/snapshots"));
  }

  /** Rewrites a stored pack through the backend, as damage on the master would look. */
  private void damagePack(java.util.function.UnaryOperator<byte[]> damage) throws IOException {
    String pack = "bar/packs/" + packs(".pack").get(0);
    backend.put(pack, damage.apply(backend.readAll(pack)));
  }

  @Test
  void verify_flippedByte_namesTheFile() throws Exception {
    SnapshotWriter.PushResult r = push();
    damagePack(
        b -> {
          b[1] ^= 0x01; // inside the first object of the pack
          return b;
        });
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertFalse(v.ok());
    assertTrue(v.problems().get(0).contains("does not match its sha256"), v.problems().toString());
    assertTrue(v.problems().get(0).startsWith("/opt/foo/"), v.problems().toString());
  }

  @Test
  void verify_truncatedPack_reported() throws Exception {
    SnapshotWriter.PushResult r = push();
    damagePack(b -> Arrays.copyOf(b, b.length - 2));
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertFalse(v.ok());
    assertTrue(v.problems().toString().contains("truncated"), v.problems().toString());
  }

  @Test
  void verify_packCutBeforeItsLastObject_reported() throws Exception {
    SnapshotWriter.PushResult r = push();
    // alpha (5 bytes) then beta (4): what is left ends before beta starts.
    damagePack(b -> Arrays.copyOf(b, 5));
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertEquals(1, v.problems().size(), v.problems().toString());
    assertTrue(v.problems().get(0).contains("/opt/foo/sub/b: pack"), v.problems().toString());
    assertTrue(v.problems().get(0).contains("truncated"), v.problems().toString());
  }

  @Test
  void verify_missingPack_reportsEveryEntryInIt() throws Exception {
    SnapshotWriter.PushResult r = push();
    for (String pack : packs(".pack")) {
      backend.delete("bar/packs/" + pack);
    }
    Verifier.Result v = Verifier.verify(bar(), r.snapshot());
    assertEquals(3, v.problems().size(), v.problems().toString());
    assertTrue(v.problems().get(0).contains("missing"), v.problems().toString());
  }

  @Test
  void list_nestedNames_showsOneLevelSortedAndNothingForAMissingDir() throws Exception {
    backend.put("d/b", bytes("bee"));
    backend.put("d/a", bytes("ay"));
    backend.put("d/sub/c", bytes("sea"));
    assertEquals(List.of("a", "b", "sub"), backend.list("d"));
    assertEquals(List.of("c"), backend.list("d/sub"));
    assertEquals(List.of(), backend.list("nothing"));
    assertEquals(List.of("d"), backend.list(""));
    assertTrue(backend.exists("d"));
    assertTrue(backend.exists("d/a"));
    assertTrue(backend.exists("d/sub"));
    assertFalse(backend.exists("d/zz"));
  }

  @Test
  void read_fromOffset_returnsTheRestAndNothingPastTheEnd() throws Exception {
    backend.put("d/f", bytes("0123456789"));
    try (InputStream in = backend.read("d/f", 4)) {
      assertEquals("456789", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    try (InputStream in = backend.read("d/f", 0)) {
      assertEquals("0123456789", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    try (InputStream in = backend.read("d/f", 10)) {
      assertEquals(0, in.readAllBytes().length);
    }
    assertThrows(NoSuchFileException.class, () -> backend.read("d/missing", 0).close());
    assertThrows(NoSuchFileException.class, () -> backend.readAll("nowhere/missing"));
  }

  @Test
  void upload_closedWithoutCommit_leavesNothingAndCommitReplaces() throws Exception {
    try (Backend.Upload up = backend.upload("d/f")) {
      up.stream().write(bytes("never"));
    }
    assertFalse(backend.exists("d/f"));
    backend.put("d/f", bytes("first"));
    backend.put("d/f", bytes("second"));
    assertArrayEquals(bytes("second"), backend.readAll("d/f"));
    assertEquals(List.of("f"), backend.list("d"));
  }

  @Test
  void delete_missingFile_isNotAnError() throws Exception {
    backend.put("d/f", bytes("x"));
    backend.delete("d/f");
    backend.delete("d/f");
    assertFalse(backend.exists("d/f"));
  }

  @Test
  void addHost_newHost_listedWithEmptyHookDirs() {
    MasterStore master = new MasterStore(backend, null);
    assertTrue(master.addHost("foo"));
    assertFalse(master.addHost("foo"), "second time: already there");
    assertEquals(List.of("foo"), master.hosts());
    assertEquals(Map.of(), master.host("foo").hooks().list(HookPhase.PRE));
  }

  @Test
  void pushHooks_twice_secondSetReplacesTheFirstInBothSpellings() throws Exception {
    Path pre = Files.createDirectories(tmp.resolve("hooks/pre"));
    Path post = Files.createDirectories(tmp.resolve("hooks/post"));
    Files.writeString(pre.resolve("10-users"), "#!/bin/sh\necho users\n");
    Files.writeString(pre.resolve("20-old"), "#!/bin/sh\n");
    Files.writeString(pre.resolve(".swp"), "editor junk");
    Files.writeString(post.resolve("90-notify"), "#!/bin/sh\necho back\n");
    MasterStore master = new MasterStore(backend, null);
    List<HookStore.HookUpload> first =
        master.pushHooks("bar", Optional.of(pre), Optional.of(post), Reporter.silent());
    assertEquals(List.of("10-users", "20-old"), first.get(0).uploaded());
    assertEquals(1, first.get(0).skipped().size(), "the dot-file");
    assertEquals(List.of("90-notify"), first.get(1).uploaded());
    // An operator's hook in the seed's other spelling belongs to the previous set too.
    backend.put("bar/pre_pacha/05-legacy", bytes("#!/bin/sh\n"));

    Files.delete(pre.resolve("20-old"));
    Files.writeString(pre.resolve("10-users"), "#!/bin/sh\necho users v2\n");
    List<HookStore.HookUpload> second =
        master.pushHooks("bar", Optional.of(pre), Optional.empty(), Reporter.silent());
    assertEquals(1, second.size(), "post-hooks left alone");
    assertEquals(List.of("pacha_pre/20-old", "pre_pacha/05-legacy"), second.get(0).removed());
    HookStore bar = master.host("bar").hooks();
    assertEquals(Map.of("10-users", "pacha_pre/10-users"), bar.list(HookPhase.PRE));
    assertEquals("#!/bin/sh\necho users v2\n", new String(bar.read("pacha_pre/10-users")));
    assertEquals(Map.of("90-notify", "pacha_post/90-notify"), bar.list(HookPhase.POST));
  }

  @Test
  void pushHooks_emptyDir_removesThePhasesHooks() throws Exception {
    Path pre = Files.createDirectories(tmp.resolve("hooks/pre"));
    Files.writeString(pre.resolve("10-users"), "#!/bin/sh\n");
    MasterStore master = new MasterStore(backend, null);
    master.pushHooks("bar", Optional.of(pre), Optional.empty(), Reporter.silent());
    Files.delete(pre.resolve("10-users"));
    master.pushHooks("bar", Optional.of(pre), Optional.empty(), Reporter.silent());
    assertEquals(Map.of(), master.host("bar").hooks().list(HookPhase.PRE));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Passes everything through to a real backend. */
  public static class Forwarding implements Backend {
    protected final Backend real;

    public Forwarding(Backend real) {
      this.real = real;
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
      return real.upload(path);
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
    public void close() {
      // The test closes the real backend.
    }
  }

  /** Records the order in which uploads are committed. */
  static final class Recording extends Forwarding {
    final List<String> committed = new ArrayList<>();

    Recording(Backend real) {
      super(real);
    }

    @Override
    public Upload upload(String path) throws IOException {
      Upload up = real.upload(path);
      return new Upload() {
        @Override
        public OutputStream stream() {
          return up.stream();
        }

        @Override
        public void commit() throws IOException {
          up.commit();
          committed.add(path);
        }

        @Override
        public void close() throws IOException {
          up.close();
        }
      };
    }
  }

  /** Refuses any upload whose path contains a marker, as an append-only master does. */
  public static final class Refusing extends Forwarding {
    private final String marker;

    public Refusing(Backend real, String marker) {
      super(real);
      this.marker = marker;
    }

    @Override
    public Upload upload(String path) throws IOException {
      if (path.contains(marker)) {
        throw new java.nio.file.AccessDeniedException(path, null, "refused (test)");
      }
      return real.upload(path);
    }
  }

  /** Fails the commit of any upload whose path contains a marker, like a cut connection. */
  public static final class Failing extends Forwarding {
    private final String marker;

    public Failing(Backend real, String marker) {
      super(real);
      this.marker = marker;
    }

    @Override
    public Upload upload(String path) throws IOException {
      Upload up = real.upload(path);
      if (!path.contains(marker)) {
        return up;
      }
      return new Upload() {
        @Override
        public OutputStream stream() {
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
  }
}
