package dev.pacha.track;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StateDir#record}: the one place the last push (manifest and fingerprint) is written. */
class StateDirTest {
  @TempDir Path tmp;

  /** A snapshot as the store's manifest would be, for the state dir's purposes. */
  record Shot(String id, String host, List<String> roots, List<Entry> entries)
      implements Snapshot {}

  private static final Shot SHOT =
      new Shot(
          "20260101T000000.000Z-01020304",
          "bar",
          List.of("/opt/foo"),
          List.of(
              new Entry(
                  "/opt/foo",
                  Entry.DIR,
                  "0755",
                  0,
                  0,
                  "root",
                  "root",
                  0,
                  "2010-06-01T12:00:00Z",
                  null,
                  null),
              new Entry(
                  "/opt/foo/a",
                  Entry.FILE,
                  "0644",
                  0,
                  0,
                  "root",
                  "root",
                  5,
                  "2010-06-01T12:00:00Z",
                  "ab".repeat(32),
                  null)));

  private static String fingerprint() {
    return LastPush.fingerprint(SHOT.host(), SHOT.roots(), SHOT.entries());
  }

  private Optional<LastPush> savedFingerprint(StateDir state) throws Exception {
    return LastPush.parse(Files.readString(state.lastPushFingerprint()));
  }

  @Test
  void record_noCopy_serializesTheSnapshotAndItsFingerprint() throws Exception {
    StateDir state = new StateDir(tmp.resolve("state"));

    LastPush last = state.record(SHOT, ManifestCopy.none());

    assertEquals(new LastPush(SHOT.id(), fingerprint()), last);
    assertEquals(Optional.of(last), savedFingerprint(state));
    assertEquals(SHOT, state.readJson(state.lastPush(), Shot.class));
  }

  @Test
  void record_wholeFileElsewhere_copiesItsBytesAndLeavesIt() throws Exception {
    StateDir state = new StateDir(tmp.resolve("state"));
    Path staged = tmp.resolve("staging-manifest.json");
    byte[] asOnMaster = ("{\"as\": \"the master holds it\"}\n").getBytes(StandardCharsets.UTF_8);
    Files.write(staged, asOnMaster);

    state.record(SHOT, ManifestCopy.of(staged));

    assertArrayEquals(asOnMaster, Files.readAllBytes(state.lastPush()));
    assertTrue(Files.exists(staged), "a staging copy stays for the post-hooks");
    assertEquals(Optional.of(new LastPush(SHOT.id(), fingerprint())), savedFingerprint(state));
  }

  @Test
  void record_copyWrittenWhileSending_movesTheSentBytesInPlace() throws Exception {
    StateDir state = new StateDir(tmp.resolve("state"));
    state.ensure();
    ManifestCopy copy = state.copyWhileSending();
    ByteArrayOutputStream master = new ByteArrayOutputStream();
    try (ManifestCopy.Tee out = copy.through(master)) {
      Json.write(out, SHOT);
      out.complete();
    }

    state.record(SHOT, copy);

    assertArrayEquals(master.toByteArray(), Files.readAllBytes(state.lastPush()));
    assertFalse(Files.exists(copy.file()), "moved, not copied");
    assertEquals(Optional.of(new LastPush(SHOT.id(), fingerprint())), savedFingerprint(state));
  }

  @Test
  void record_copyNotCompleted_serializesInstead() throws Exception {
    StateDir state = new StateDir(tmp.resolve("state"));
    state.ensure();
    ManifestCopy copy = state.copyWhileSending();
    try (ManifestCopy.Tee out = copy.through(new ByteArrayOutputStream())) {
      out.write("{\"cut\": ".getBytes(StandardCharsets.UTF_8)); // the push failed mid-manifest
    }
    assertFalse(copy.whole());

    state.record(SHOT, copy);

    assertEquals(SHOT, state.readJson(state.lastPush(), Shot.class));
    copy.discard();
    assertFalse(Files.exists(copy.file()));
  }

  @Test
  void record_manifestCannotBeWritten_leavesNoStaleFingerprint() throws Exception {
    StateDir state = new StateDir(tmp.resolve("state"));
    state.record(SHOT, ManifestCopy.none());
    // last-push.json cannot be replaced: the fingerprint of the previous push must not survive.
    Files.delete(state.lastPush());
    Files.createDirectories(state.lastPush().resolve("in-the-way"));
    Shot next = new Shot("20260102T000000.000Z-05060708", "bar", SHOT.roots(), List.of());

    assertThrows(PachaException.class, () -> state.record(next, ManifestCopy.none()));

    assertFalse(Files.exists(state.lastPushFingerprint()));
  }
}
