package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.track.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentFetcherTest {
  @TempDir Path tmp;
  StoreFixture f;
  Manifest m;

  @BeforeEach
  void pushed() throws Exception {
    f = new StoreFixture(tmp);
    m = f.bar().catalog().manifest(f.push().snapshot());
  }

  private static String sha(Manifest m, String path) {
    return m.entries().stream()
        .filter(e -> e.path().equals(path))
        .findFirst()
        .orElseThrow()
        .sha256();
  }

  @Test
  void fetch_wholeManifest_eachContentOnceWithItsBytes() {
    Map<String, String> got = new ConcurrentHashMap<>();
    Map<String, String> problems =
        f.bar()
            .contents()
            .fetch(
                m,
                (sha, in, length) -> {
                  String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                  assertEquals(length, text.length());
                  assertEquals(null, got.put(sha, text), "each content once");
                });
    assertEquals(Map.of(), problems);
    assertEquals(Map.of(sha(m, "/opt/foo/a"), "alpha", sha(m, "/opt/foo/sub/b"), "beta"), got);
  }

  @Test
  void fetch_entriesFromAOneShotStream_readsOnlyTheirContents() {
    Entry b =
        m.entries().stream()
            .filter(e -> e.path().equals("/opt/foo/sub/b"))
            .findFirst()
            .orElseThrow();
    AtomicBoolean iterated = new AtomicBoolean();
    Iterable<Entry> once =
        () -> {
          if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("a stream of entries is gone through once");
          }
          Iterator<Entry> it = List.of(b).iterator();
          return it;
        };
    Map<String, String> got = new ConcurrentHashMap<>();
    Map<String, String> problems =
        f.bar()
            .contents()
            .fetch(
                m.packs(),
                once,
                (sha, in, length) -> got.put(sha, new String(in.readAllBytes())),
                2);
    assertEquals(Map.of(), problems);
    assertEquals(Map.of(b.sha256(), "beta"), got);
  }

  @Test
  void fetch_damagedContent_namesItAndStillReadsTheOthers() throws Exception {
    Path pack;
    try (var s = Files.list(f.master.resolve("bar/packs"))) {
      pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(pack);
    bytes[0] ^= 1; // "alpha" is first
    Files.write(pack, bytes);
    Map<String, String> got = new ConcurrentHashMap<>();

    Map<String, String> problems =
        f.bar().contents().fetch(m, (sha, in, length) -> got.put(sha, "read"));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(sha(m, "/opt/foo/a")).contains("does not match its sha256"));
    assertEquals(2, got.size(), "the sink saw both; the caller uses none until all match");
  }

  @Test
  void fetch_missingPackIndex_isIntegrityFailure() throws Exception {
    try (var s = Files.list(f.master.resolve("bar/packs"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".idx")).toList()) {
        Files.delete(p);
      }
    }
    dev.pacha.PachaException e =
        assertThrows(
            dev.pacha.PachaException.class,
            () -> f.bar().contents().fetch(m, (sha, in, length) -> {}));
    assertEquals(dev.pacha.PachaException.Kind.INTEGRITY, e.kind());
  }

  @Test
  void fetch_sinkCannotWrite_isTheSinksFailureNotTheMasters() {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                f.bar()
                    .contents()
                    .fetch(
                        m,
                        (sha, in, length) -> {
                          throw new IOException("No space left on device");
                        }));
    assertEquals("No space left on device", e.getCause().getMessage());
  }
}
