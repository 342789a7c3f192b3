package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCatalogTest {
  @TempDir Path tmp;
  StoreFixture f;

  @BeforeEach
  void fixture() throws Exception {
    f = new StoreFixture(tmp);
  }

  private SnapshotCatalog catalog() {
    return f.bar().catalog();
  }

  @Test
  void latest_neverPushed_isEmptyAndResolveSaysPushFirst() {
    assertEquals(Optional.empty(), catalog().latest());
    PachaException e =
        assertThrows(PachaException.class, () -> catalog().resolve(Optional.empty()));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().contains("has no snapshot"), e.getMessage());
  }

  @Test
  void latest_damagedPointer_isNotReadAndTheNewestManifestDecides() throws Exception {
    String id = f.push().snapshot();
    Files.writeString(f.master.resolve("bar/latest"), "../../etc/passwd\n");
    assertEquals(Optional.of(id), catalog().latest());
  }

  @Test
  void snapshotIds_twoPushesAndAStrayDotFile_oldestFirstWithoutIt() throws Exception {
    String first = f.push().snapshot();
    Files.writeString(f.disk.resolve("opt/foo/a"), "alpha, changed");
    String second = f.push().snapshot();
    Files.writeString(f.master.resolve("bar/snapshots/.tmp.json"), "{}");
    assertEquals(List.of(first, second), catalog().snapshotIds());
    assertEquals(Optional.of(second), catalog().latest());
  }

  @Test
  void resolve_uniquePrefix_isTheFullIdAndAnUnknownOneFails() throws Exception {
    String id = f.push().snapshot();
    assertEquals(id, catalog().resolve(Optional.of(id.substring(0, 10))));
    assertEquals(id, catalog().resolve(Optional.empty()));
    PachaException e =
        assertThrows(PachaException.class, () -> catalog().resolve(Optional.of("1999")));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().contains("pacha log bar"), e.getMessage());
  }

  @Test
  void resolve_ambiguousPrefix_isUsageError() throws Exception {
    f.push();
    Files.writeString(f.disk.resolve("opt/foo/a"), "alpha, changed");
    f.push();
    PachaException e = assertThrows(PachaException.class, () -> catalog().resolve(Optional.of("")));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("ambiguous (2 match)"), e.getMessage());
  }

  @Test
  void manifest_withCopy_readsOnceAndKeepsTheBytesAsStored() throws Exception {
    String id = f.push().snapshot();
    Path copy = tmp.resolve("staging-manifest.json");

    Manifest m = catalog().manifest(id, copy);

    assertEquals(id, m.id());
    assertEquals(5, m.entries().size());
    assertArrayEquals(
        Files.readAllBytes(f.master.resolve("bar/snapshots/" + id + ".json")),
        Files.readAllBytes(copy));
  }

  @Test
  void manifest_storedUnderAnotherId_isIntegrityFailure() throws Exception {
    String id = f.push().snapshot();
    Path snapshots = f.master.resolve("bar/snapshots");
    Files.copy(snapshots.resolve(id + ".json"), snapshots.resolve("20000101T000000.000Z-x.json"));
    PachaException e =
        assertThrows(PachaException.class, () -> catalog().manifest("20000101T000000.000Z-x"));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("says it is snapshot " + id), e.getMessage());
  }
}
