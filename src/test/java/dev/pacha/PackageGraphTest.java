package dev.pacha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the main sources, read from their imports (and fully qualified names in the
 * code): no cycles, dependencies in the direction STYLE.md gives, and each third-party library used
 * by one package only. A new package goes into {@link #LAYER}; an exception to a rule goes into
 * {@link #ALLOWED} with its reason.
 */
class PackageGraphTest {
  private static final Path MAIN = Path.of("src/main/java/dev/pacha");

  /**
   * Layers, top to bottom: a package may use its own layer (without cycles) and those below. "root"
   * is dev.pacha itself (Reporter, PachaException); "Main" is the entry point, above everything.
   */
  static final Map<String, Integer> LAYER =
      Map.ofEntries(
          Map.entry("Main", 5),
          Map.entry("cli", 4),
          // services
          Map.entry("rebuild", 3),
          Map.entry("daemon", 3),
          Map.entry("demo", 3),
          Map.entry("cloudinit", 3),
          Map.entry("packer", 3),
          Map.entry("aws", 3),
          Map.entry("master", 3),
          // the core
          Map.entry("store", 2),
          Map.entry("track", 2),
          Map.entry("hooks", 2),
          Map.entry("trust", 2),
          // the edges
          Map.entry("transport", 1),
          Map.entry("render", 1),
          Map.entry("config", 1),
          Map.entry("json", 1),
          Map.entry("posix", 1),
          Map.entry("root", 0));

  /** Each third-party library, by package prefix, and the one package that may import it. */
  static final Map<String, String> LIBRARY =
      Map.of(
          "com.fasterxml.jackson", "json",
          "com.jcraft.jsch", "transport",
          "org.apache.sshd", "master",
          "software.amazon.awssdk", "aws",
          "freemarker", "render",
          "org.apache.commons.configuration2", "config",
          "picocli", "cli",
          "com.sun.jna", "posix",
          "org.yaml.snakeyaml", "cloudinit");

  /** Edges that break a rule on purpose, "from -> to", with the reason. */
  static final Map<String, String> ALLOWED = Map.of();

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
  private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.pacha\\.([a-z]\\w*)\\.");

  /** Package -> packages it uses (dev.pacha ones by short name, libraries by prefix). */
  static final Map<String, Set<String>> USES = new TreeMap<>();

  @BeforeAll
  static void read() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        String from = packageOf(f);
        Set<String> uses = USES.computeIfAbsent(from, k -> new TreeSet<>());
        String text = stripComments(Files.readString(f));
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
          String imp = m.group(1);
          if (imp.startsWith("dev.pacha.")) {
            uses.add(target(imp));
          } else if (!imp.startsWith("java.") && !imp.startsWith("javax.")) {
            uses.add(imp);
          }
        }
        Matcher q = QUALIFIED.matcher(text.replaceAll("(?m)^(package|import) .*$", ""));
        while (q.find()) {
          uses.add(q.group(1));
        }
        uses.remove(from);
      }
    }
  }

  private static String stripComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
  }

  private static String packageOf(Path file) {
    Path rel = MAIN.relativize(file);
    if (rel.getNameCount() == 1) {
      return rel.toString().equals("Main.java") ? "Main" : "root";
    }
    return rel.getName(0).toString();
  }

  /** dev.pacha.store.HostStore -> store; dev.pacha.Reporter -> root; dev.pacha.Main -> Main. */
  private static String target(String imp) {
    String[] p = imp.split("\\.");
    if (p.length >= 3 && Character.isUpperCase(p[2].charAt(0))) {
      return p[2].equals("Main") ? "Main" : "root";
    }
    return p[2];
  }

  private static boolean isOurs(String name) {
    return !name.contains(".");
  }

  @Test
  void everyPackage_hasALayer() {
    List<String> unknown = new ArrayList<>();
    for (String p : USES.keySet()) {
      if (!LAYER.containsKey(p)) {
        unknown.add(p);
      }
    }
    assertEquals(List.of(), unknown, "add new packages to PackageGraphTest.LAYER");
  }

  @Test
  void dependencies_pointDownward() {
    List<String> wrong = new ArrayList<>();
    USES.forEach(
        (from, uses) -> {
          for (String to : uses) {
            if (isOurs(to)
                && LAYER.getOrDefault(to, 0) > LAYER.getOrDefault(from, 0)
                && !ALLOWED.containsKey(from + " -> " + to)) {
              wrong.add(from + " -> " + to);
            }
          }
        });
    assertEquals(
        List.of(), wrong, "cli -> services -> store/track/hooks -> transport/render/config");
  }

  @Test
  void packageGraph_hasNoCycles() {
    Map<String, Integer> state = new LinkedHashMap<>();
    List<String> cycles = new ArrayList<>();
    for (String p : USES.keySet()) {
      visit(p, new ArrayList<>(), state, cycles);
    }
    assertEquals(List.of(), cycles);
  }

  /** Depth-first search; state 1 = on the current path, 2 = done. */
  private static void visit(
      String p, List<String> path, Map<String, Integer> state, List<String> cycles) {
    Integer s = state.get(p);
    if (s != null && s == 2) {
      return;
    }
    if (s != null && s == 1) {
      cycles.add(String.join(" -> ", path.subList(path.indexOf(p), path.size())) + " -> " + p);
      return;
    }
    state.put(p, 1);
    path.add(p);
    for (String to : USES.getOrDefault(p, Set.of())) {
      if (isOurs(to) && !ALLOWED.containsKey(p + " -> " + to)) {
        visit(to, path, state, cycles);
      }
    }
    path.remove(path.size() - 1);
    state.put(p, 2);
  }

  @Test
  void eachLibrary_isImportedByOnePackage() {
    List<String> wrong = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    USES.forEach(
        (from, uses) -> {
          for (String lib : uses) {
            if (isOurs(lib)) {
              continue;
            }
            String owner =
                LIBRARY.entrySet().stream()
                    .filter(e -> lib.equals(e.getKey()) || lib.startsWith(e.getKey() + "."))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            if (owner == null) {
              unknown.add(from + " uses " + lib);
            } else if (!owner.equals(from) && !ALLOWED.containsKey(from + " -> " + lib)) {
              wrong.add(from + " uses " + lib + " (only " + owner + " may)");
            }
          }
        });
    assertEquals(List.of(), unknown, "a new library: add it to PackageGraphTest.LIBRARY");
    assertEquals(List.of(), wrong);
  }

  @Test
  void graph_wasRead() {
    assertTrue(USES.get("cli").contains("picocli.CommandLine"), USES.toString());
    assertTrue(USES.get("rebuild").contains("store"), USES.toString());
  }
}
