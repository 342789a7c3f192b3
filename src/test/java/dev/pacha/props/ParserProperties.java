package dev.pacha.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.config.ConfigException;
import dev.pacha.config.ConfigLoader;
import dev.pacha.store.MasterStore;
import dev.pacha.track.HostPaths;
import dev.pacha.transport.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the three parsers that face untrusted text: the config parser, the manifest reader
 * and the path checks. Each either accepts its input or says why in pacha's own error, and never
 * fails any other way.
 */
class ParserProperties {

  @Provide
  Arbitrary<String> configTexts() {
    Arbitrary<String> keys =
        Arbitraries.of(
            "pacha.frequency",
            "pacha.master",
            "pacha.host",
            "pacha.ssh.port",
            "pacha.ssh.user",
            "pacha.hosts.path",
            "pacha.hostname",
            "pacha.ssh.identity",
            "pacha.master.url",
            "pacha.rebuild.missing_owner",
            "pacha.hooks.timeout",
            "pacha.log.level",
            "pacha.boot.deadline",
            "pacha.ssh.prot",
            "other.key",
            "[DEFAULT]",
            "[x]",
            "#",
            ";");
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30),
            Arbitraries.of(
                "60",
                "0",
                "70000",
                "abc",
                "True",
                "no",
                "/pacha/hosts",
                "relative",
                "sftp://u@h:22/p",
                "file:///x",
                "s3://b/p",
                "None",
                "",
                "\\",
                "%(asctime)s",
                "${sys:user.home}"));
    Arbitrary<String> line =
        Combinators.combine(keys, Arbitraries.of(" = ", "=", ": ", " "), values)
            .as((k, s, v) -> k + s + v);
    return line.list().ofMaxSize(12).map(l -> String.join("\n", l) + "\n");
  }

  @Property(tries = 400)
  void config_anyText_parsesOrFailsWithOneLineConfigError(@ForAll("configTexts") String text)
      throws Exception {
    Path file = Files.createTempFile("prop-", ".conf");
    try {
      Files.writeString(file, text);
      try {
        ConfigLoader.read(file, "--config", Map.of("HOME", "/root"));
      } catch (ConfigException e) {
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(PachaException.Kind.USAGE, e.kind());
      }
    } finally {
      Files.delete(file);
    }
  }

  @Provide
  Arbitrary<String> manifests() {
    String valid =
        "{\"format\":1,\"id\":\"S\",\"host\":\"bar\",\"created\":\"2020-01-01T00:00:00Z\",\"roots\":[\"/opt/foo\"],"
            + "\"packs\":[],\"entries\":[{\"path\":\"/opt/foo\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,"
            + "\"gid\":0,\"owner\":\"root\",\"group\":\"root\",\"size\":0,\"mtime\":\"2020-01-01T00:00:00Z\"}]}";
    // Mutations of a valid manifest: cut it, drop or swap characters, replace a token.
    Arbitrary<String> cut =
        Arbitraries.integers().between(0, valid.length()).map(n -> valid.substring(0, n));
    Arbitrary<String> flip =
        Combinators.combine(
                Arbitraries.integers().between(0, valid.length() - 1), Arbitraries.chars().ascii())
            .as((i, c) -> valid.substring(0, i) + c + valid.substring(i + 1));
    Arbitrary<String> token =
        Combinators.combine(
                Arbitraries.of(
                    "\"/opt/foo\"", "\"dir\"", "\"0755\"", "0", "\"root\"", "1", "[]", "\"bar\""),
                Arbitraries.of(
                    "\"/opt/foo/../x\"",
                    "\"file\"",
                    "\"9999\"",
                    "-1",
                    "null",
                    "\"\"",
                    "{}",
                    "\"a/b\"",
                    "1e99"))
            .as(
                (from, to) ->
                    valid.replaceFirst(
                        java.util.regex.Pattern.quote(from),
                        java.util.regex.Matcher.quoteReplacement(to)));
    return Arbitraries.oneOf(cut, flip, token, Arbitraries.just(valid));
  }

  @Property(tries = 400)
  void manifest_anyText_readsOrFailsAsIntegrityError(@ForAll("manifests") String text)
      throws Exception {
    Path master = Files.createTempDirectory("prop-master-");
    try {
      Files.createDirectories(master.resolve("bar/snapshots"));
      Files.writeString(master.resolve("bar/snapshots/S.json"), text);
      try (MasterStore store = new MasterStore(new LocalBackend(master), null)) {
        store.host("bar").catalog().manifest("S");
      } catch (PachaException e) {
        assertEquals(PachaException.Kind.INTEGRITY, e.kind(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
      }
    } finally {
      try (var walk = Files.walk(master)) {
        for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> part =
        Arbitraries.oneOf(
            Arbitraries.of("", ".", "..", "etc", "opt", "foo", "a b", "x..y"),
            Arbitraries.strings().alpha().ofLength(2));
    return Combinators.combine(Arbitraries.of("/", "", "//"), part.list().ofMaxSize(5))
        .as((lead, parts) -> lead + String.join("/", parts));
  }

  @Property(tries = 1000)
  void isClean_agreesWithNormalization(@ForAll("paths") String path) {
    boolean clean = HostPaths.isClean(path);
    if (clean) {
      // A clean path is absolute and already normal: nothing climbs, nothing collapses.
      assertTrue(path.startsWith("/"));
      assertEquals(path, Path.of(path).normalize().toString(), path);
      assertFalse(List.of(path.split("/")).contains(".."));
    } else {
      assertTrue(
          !path.startsWith("/")
              || !path.equals(Path.of(path).normalize().toString())
              || path.contains("/./")
              || path.endsWith("/.")
              || path.contains("//")
              || (path.length() > 1 && path.endsWith("/")),
          path);
    }
  }

  @Property(tries = 1000)
  void isWithin_cleanPaths_matchesPathStartsWith(
      @ForAll("paths") String a, @ForAll("paths") String b) {
    if (HostPaths.isClean(a) && HostPaths.isClean(b)) {
      assertEquals(Path.of(a).startsWith(Path.of(b)), HostPaths.isWithin(a, b), a + " within " + b);
    }
  }

  @Provide
  Arbitrary<List<String>> nameChains() {
    return Arbitraries.strings()
        .withChars("ab-./_")
        .ofMinLength(1)
        .ofMaxLength(3)
        .list()
        .ofMaxSize(6);
  }

  @Property(tries = 300)
  void treeOrder_parentsComeFirst(@ForAll("nameChains") List<String> names) {
    List<String> paths = new java.util.ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (String n : names) {
      String clean = n.replace('/', '_');
      sb.append('/').append(clean);
      paths.add(sb.toString());
      paths.add(sb + "-x");
    }
    java.util.Collections.shuffle(paths);
    paths.sort(HostPaths.TREE_ORDER);
    for (int i = 0; i < paths.size(); i++) {
      for (int j = i + 1; j < paths.size(); j++) {
        assertFalse(
            HostPaths.isWithin(paths.get(i), paths.get(j)) && !paths.get(i).equals(paths.get(j)),
            paths.toString());
      }
    }
  }
}
