package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.store.HostStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchStepTest {
  @TempDir Path tmp;
  RebuildFixture f;

  @BeforeEach
  void pushed() throws Exception {
    f = new RebuildFixture(tmp);
  }

  private FetchStep.Fetched fetch(Plan plan) {
    HostStore store = f.store();
    return new FetchStep(store.contents(), store.connections(), "the master", f.reporter)
        .fetch(plan, new TreeBuilder(f.target, "RUN"), "bar");
  }

  private static Path built(BuiltTree t, String rel) {
    return rel.isEmpty() ? t.built() : t.built().resolve(rel);
  }

  @Test
  void fetch_wholeSnapshot_everyContentInTreesBesideTheTargetsNothingPlaced() throws Exception {
    FetchStep.Fetched r = fetch(f.plan());

    assertEquals(List.of(), r.damaged());
    assertEquals(List.of(), r.skipped());
    assertEquals(2, r.trees().size());
    BuiltTree foo = r.trees().get(1);
    assertEquals(f.target.resolve("opt/.foo.pacha-new-RUN"), foo.built());
    assertEquals("listen 8080\n", Files.readString(built(foo, "app.conf")));
    assertEquals("listen 8080\n", Files.readString(built(foo, "conf.d/copy.conf")));
    assertEquals("s3cr3t\n", Files.readString(built(foo, "conf.d/secret")));
    assertEquals(Path.of("app.conf"), Files.readSymbolicLink(built(foo, "current")));
    assertEquals("name bar\n", Files.readString(r.trees().get(0).built()));
    assertEquals(3, foo.files());
    assertFalse(RebuildFixture.exists(f.target.resolve("opt/foo")), "nothing is placed");
    assertTrue(f.log.get(0).startsWith("Fetching 4 files of bar (snapshot "), f.log.toString());
  }

  @Test
  void fetch_rootMissingFromTheSnapshot_skippedNotBuilt() throws Exception {
    Files.delete(f.disk.resolve("etc/bar.conf"));
    f.snapshot = f.push();

    FetchStep.Fetched r = fetch(f.plan());

    assertEquals(1, r.trees().size());
    assertEquals("/etc/bar.conf", r.skipped().get(0).path());
    assertTrue(r.skipped().get(0).reason().contains("did not exist"), r.skipped().toString());
  }

  @Test
  void fetch_damagedContent_namesTheEntries() throws Exception {
    Path pack;
    try (Stream<Path> s = Files.list(f.master.resolve("bar/packs"))) {
      pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(pack);
    for (int i = 0; i < b.length; i++) {
      b[i] ^= 1;
    }
    Files.write(pack, b);

    FetchStep.Fetched r = fetch(f.plan());

    assertEquals(4, r.damaged().size(), r.damaged().toString());
    assertTrue(r.damaged().get(0).contains("does not match its sha256"), r.damaged().toString());
  }

  @Test
  void fetch_packIndexGone_reportedFailureAndTheStartedTreesRemoved() throws Exception {
    try (Stream<Path> s = Files.list(f.master.resolve("bar/packs"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".idx")).toList()) {
        Files.delete(p);
      }
    }

    StepFailure e = assertThrows(StepFailure.class, () -> fetch(f.plan()));

    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().endsWith("; nothing was placed"), e.getMessage());
    try (Stream<Path> s = Files.walk(f.target)) {
      assertEquals(List.of(f.target), s.toList(), "no tree and no parent it created is left");
    }
  }
}
