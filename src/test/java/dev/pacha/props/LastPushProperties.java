package dev.pacha.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.track.Entry;
import dev.pacha.track.LastPush;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A push says "nothing changed" when the scanned tree's fingerprint equals the last push's: the
 * fingerprint must change whenever any field of any entry, the roots or the host does, and only
 * then.
 */
class LastPushProperties {

  @Provide
  Arbitrary<Entry> entries() {
    Arbitrary<String> names =
        Arbitraries.strings().withChars("abc/._- é").ofMinLength(0).ofMaxLength(6);
    Arbitrary<String> nullable = names.injectNull(0.3);
    return Combinators.combine(
            Combinators.combine(
                    names.map(n -> "/etc/" + n),
                    Arbitraries.of(Entry.FILE, Entry.DIR, Entry.SYMLINK),
                    Arbitraries.integers().between(0, 07777).map(Entry::modeString),
                    Arbitraries.integers().between(0, 70000),
                    Arbitraries.integers().between(0, 70000))
                .as(Partial::new),
            names,
            names,
            Arbitraries.longs().between(0, 1L << 40),
            names,
            nullable,
            nullable)
        .as(
            (p, owner, group, size, mtime, sha, target) ->
                new Entry(
                    p.path, p.type, p.mode, p.uid, p.gid, owner, group, size, mtime, sha, target));
  }

  private record Partial(String path, String type, String mode, int uid, int gid) {}

  private static String of(List<Entry> entries) {
    return LastPush.fingerprint("web-1", List.of("/etc"), entries);
  }

  /** An entry's fields in component order, and back. */
  private static Object[] fields(Entry e) {
    return new Object[] {
      e.path(),
      e.type(),
      e.mode(),
      e.uid(),
      e.gid(),
      e.owner(),
      e.group(),
      e.size(),
      e.mtime(),
      e.sha256(),
      e.target()
    };
  }

  private static Entry entry(Object[] f) {
    return new Entry(
        (String) f[0],
        (String) f[1],
        (String) f[2],
        (int) f[3],
        (int) f[4],
        (String) f[5],
        (String) f[6],
        (long) f[7],
        (String) f[8],
        (String) f[9],
        (String) f[10]);
  }

  @Property(tries = 500)
  void equalTrees_equalFingerprints(@ForAll("trees") List<Entry> tree) {
    List<Entry> copy = new ArrayList<>();
    for (Entry e : tree) {
      Object[] f = fields(e);
      f[0] = new String(e.path()); // equal, not the same object
      copy.add(entry(f));
    }
    assertEquals(of(tree), of(copy));
  }

  @Provide
  Arbitrary<List<Entry>> trees() {
    return entries().list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 2000)
  void anyOneFieldChanged_anotherFingerprint(
      @ForAll("trees") List<Entry> tree,
      @ForAll @IntRange(min = 0, max = 10) int field,
      @ForAll("entries") Entry other) {
    Object[] f = fields(tree.get(0));
    Object[] g = fields(other);
    if (java.util.Objects.equals(f[field], g[field])) {
      return; // nothing changed
    }
    f[field] = g[field];
    Entry changed = entry(f);
    List<Entry> next = new ArrayList<>(tree);
    next.set(0, changed);
    assertNotEquals(of(tree), of(next), () -> tree.get(0) + " vs " + changed);
  }

  @Example
  void aCharacterMovedBetweenFields_anotherFingerprint() {
    Entry a = new Entry("/etc/a", "file", "0644", 0, 0, "ro", "otx", 1, "t", "s", null);
    Entry b = new Entry("/etc/a", "file", "0644", 0, 0, "roo", "tx", 1, "t", "s", null);
    Entry empty = new Entry("/etc/a", "file", "0644", 0, 0, "ro", "otx", 1, "t", "s", "");
    assertNotEquals(of(List.of(a)), of(List.of(b)));
    assertNotEquals(of(List.of(a)), of(List.of(empty)), "no target and an empty one differ");
    assertNotEquals(of(List.of(a, b)), of(List.of(b, a)), "order counts");
  }

  @Example
  void hostAndRoots_count() {
    List<Entry> tree =
        List.of(new Entry("/etc", "dir", "0755", 0, 0, "root", "root", 0, "t", null, null));
    String base = LastPush.fingerprint("web-1", List.of("/etc"), tree);
    assertNotEquals(base, LastPush.fingerprint("web-2", List.of("/etc"), tree));
    assertNotEquals(base, LastPush.fingerprint("web-1", List.of("/etc", "/opt"), tree));
  }

  @Example
  void line_parsesBack_andGarbageIsNone() {
    LastPush p = new LastPush("20261129T084908.336Z-19668517", "ab".repeat(32));
    assertEquals(Optional.of(p), LastPush.parse(p.line()));
    assertTrue(LastPush.parse("").isEmpty());
    assertTrue(LastPush.parse("id " + "AB".repeat(32)).isEmpty());
    assertTrue(LastPush.parse("id abc").isEmpty());
    assertTrue(LastPush.parse("a b c").isEmpty());
  }
}
