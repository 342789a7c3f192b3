package dev.pacha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * HCL files parsed offline by the npm package @cdktf/hcl2json (HashiCorp's HCL parser as wasm), run
 * with node: syntax only, no terraform or provider. {@code bash scripts/test} installs the package
 * into {@code .tools/hcl2json} (ignored by git, kept across {@code mvn clean}).
 */
public final class Hcl2Json {
  /** Where scripts/test installs the package. */
  public static final Path MODULES = Path.of(".tools", "hcl2json", "node_modules").toAbsolutePath();

  /** The node script that runs the parser. */
  public static final Path SCRIPT = Path.of("src", "test", "node", "hcl2json.js").toAbsolutePath();

  /** One parsed file: hcl2json's JSON and the references in each of its expressions. */
  public record Parsed(Path file, Map<String, Object> body, Map<String, List<String>> refs) {}

  private Hcl2Json() {}

  /**
   * node on PATH, with the package installed. Missing: under CI (CI=true) the test fails, so a CI
   * without them cannot pass by skipping; elsewhere the test is skipped.
   */
  public static Path requireNode() {
    Optional<Path> node =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "node"))
            .filter(Files::isExecutable)
            .findFirst();
    String why = null;
    if (node.isEmpty()) {
      why = "node is not installed: bash scripts/test installs it (apt-get install nodejs npm)";
    } else if (!Files.isRegularFile(MODULES.resolve("@cdktf/hcl2json/package.json"))) {
      why =
          "@cdktf/hcl2json is not installed in "
              + MODULES.getParent()
              + ": bash scripts/test installs it (npm install --prefix .tools/hcl2json)";
    }
    if (why == null) {
      return node.get();
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    throw new AssertionError(why);
  }

  /** Runs the parser on these files; exit code and merged output (JSON on success). */
  public static Tools.Result run(List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(requireNode().toString(), SCRIPT.toString()));
    files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("NODE_PATH", MODULES.toString());
    Path out = Files.createTempFile("hcl2json", ".json");
    Path err = Files.createTempFile("hcl2json", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      int code = p.waitFor();
      return new Tools.Result(code, code == 0 ? Files.readString(out) : Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** Parses these files; fails the test, naming file and line, when one does not parse. */
  public static Map<Path, Parsed> parse(List<Path> files) throws Exception {
    Tools.Result r = run(files);
    assertEquals(0, r.code(), () -> "hcl2json: a file does not parse:\n" + r.output());
    Map<String, Map<String, Object>> all =
        new ObjectMapper().readValue(r.output(), new TypeReference<>() {});
    Map<Path, Parsed> parsed = new LinkedHashMap<>();
    for (Path f : files) {
      Map<String, Object> one = all.get(f.toAbsolutePath().toString());
      if (one == null) {
        fail("hcl2json returned nothing for " + f);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> body = (Map<String, Object>) one.get("body");
      @SuppressWarnings("unchecked")
      Map<String, List<String>> refs = (Map<String, List<String>>) one.get("refs");
      parsed.put(f, new Parsed(f, body, refs));
    }
    return parsed;
  }
}
