package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.PachaCli;
import dev.pacha.testing.TreeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile data on the master (a file:// master, so the test edits it directly): every
 * case fails before anything is placed, with exit 4 naming the entry, and nothing is written
 * outside the tracked roots.
 */
class HostileMasterIT {
  @TempDir Path tmp;
  PachaCli pacha;
  Path master;
  Path sandbox;
  Path foo;
  Path config;
  Map<String, String> before;

  @BeforeEach
  void push() throws Exception {
    pacha = new PachaCli(tmp);
    master = Files.createDirectories(tmp.resolve("master"));
    sandbox = tmp.resolve("sandbox");
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("a.conf"), "alpha\n");
    Files.writeString(foo.resolve("b.conf"), "bravo, a little longer\n");
    config =
        Files.writeString(
            tmp.resolve("pacha.conf"),
            "[DEFAULT]\npacha.master.url = file://"
                + master
                + "\npacha.hostname = bar\npacha.state.dir = "
                + tmp.resolve("state")
                + "\n");
    assertEquals(0, cli("--watch", foo.toString(), "--target-root", sandbox.toString()).code());
    // The new machine has an older /opt/foo; it must survive every failed rebuild untouched.
    Files.writeString(foo.resolve("a.conf"), "old local alpha\n");
    before = TreeState.of(sandbox);
  }

  private PachaCli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return pacha.run(all.toArray(String[]::new));
  }

  private Path manifest() throws Exception {
    try (Stream<Path> s = Files.list(master.resolve("bar/snapshots"))) {
      return s.findFirst().orElseThrow();
    }
  }

  private Path pack() throws Exception {
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      return s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
  }

  private void editManifest(UnaryOperator<String> edit) throws Exception {
    Path m = manifest();
    String text = Files.readString(m);
    String changed = edit.apply(text);
    assertFalse(text.equals(changed), "the test changed the manifest");
    Files.writeString(m, changed);
  }

  private void assertRefused(String expected) throws Exception {
    PachaCli.Run r = cli("rebuild", "bar", "--yes", "--target-root", sandbox.toString());
    assertEquals(4, r.code(), r::toString);
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r);
    assertEquals(before, TreeState.of(sandbox), "nothing placed");
    try (Stream<Path> s = Files.walk(tmp)) {
      assertEquals(
          List.of(),
          s.filter(
                  p ->
                      p.toString().contains("etc/passwd")
                          || p.getFileName().toString().equals("escaped"))
              .toList(),
          "nothing written outside the roots");
    }
    PachaCli.Run v = cli("verify", "bar");
    assertEquals(4, v.code(), v::toString);
  }

  @Test
  void rebuild_truncatedPack_refused() throws Exception {
    byte[] b = Files.readAllBytes(pack());
    Files.write(pack(), java.util.Arrays.copyOf(b, b.length - 3));
    assertRefused("/opt/foo/b.conf: pack ");
  }

  @Test
  void rebuild_missingPack_refused() throws Exception {
    Files.delete(pack());
    assertRefused("is missing on the master");
  }

  @Test
  void rebuild_manifestNotJson_refused() throws Exception {
    Files.writeString(manifest(), "{\"format\": 1, \"entries\": [");
    assertRefused("is not valid");
  }

  @Test
  void rebuild_entryWithDotDot_refused() throws Exception {
    editManifest(t -> t.replace("\"/opt/foo/a.conf\"", "\"/opt/foo/../../etc/passwd\""));
    assertRefused("not a clean absolute path");
  }

  @Test
  void rebuild_relativePath_refused() throws Exception {
    editManifest(t -> t.replace("\"/opt/foo/a.conf\"", "\"opt/foo/a.conf\""));
    assertRefused("not a clean absolute path");
  }

  @Test
  void rebuild_pathOutsideRoots_refused() throws Exception {
    editManifest(t -> t.replace("\"/opt/foo/a.conf\"", "\"/etc/escaped\""));
    assertRefused("lies outside the tracked roots");
  }

  @Test
  void rebuild_duplicatePath_refused() throws Exception {
    editManifest(t -> t.replace("\"/opt/foo/b.conf\"", "\"/opt/foo/a.conf\""));
    assertRefused("appears twice");
  }

  @Test
  void rebuild_absurdSize_refused() throws Exception {
    editManifest(t -> t.replaceFirst("\"size\" : 6,", "\"size\" : 99999999999999999,"));
    assertRefused("absurd size");
  }

  @Test
  void rebuild_pathThroughASymlinkEntry_refused() throws Exception {
    // a.conf becomes a link to /etc and a new entry tries to write through it.
    editManifest(
        t ->
            t.replaceFirst("\"type\" : \"file\"", "\"type\" : \"symlink\", \"target\" : \"/etc\"")
                .replace("\"/opt/foo/b.conf\"", "\"/opt/foo/a.conf/escaped\""));
    assertRefused("has no directory parent");
  }

  @Test
  void rebuild_symlinkPlantedInParentOfTarget_refused() throws Exception {
    // On the new machine /opt is a link to somewhere else: placing /opt/foo would land there.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path opt = sandbox.resolve("opt");
    Files.move(opt, tmp.resolve("real-opt"));
    Files.createSymbolicLink(opt, elsewhere);
    Map<String, String> planted = TreeState.of(tmp.resolve("elsewhere"));
    PachaCli.Run r = cli("rebuild", "bar", "--yes", "--target-root", sandbox.toString());
    assertEquals(4, r.code(), r::toString);
    assertTrue(r.err().contains("outside the target root"), r::toString);
    assertEquals(planted, TreeState.of(elsewhere), "nothing written where the link points");
  }
}
