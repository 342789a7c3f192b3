package dev.pacha.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A directory of Terraform (.tf) or Packer (.pkr.hcl) files as hcl2json parsed them, merged into
 * one module: its blocks by kind and name, a check that every reference names a declared block, and
 * an evaluation scope with given variable values.
 */
public final class HclModule {
  private static final Set<String> META_ARGUMENTS =
      Set.of("source", "version", "count", "for_each", "providers", "depends_on");

  private final Path dir;
  private final boolean packer;
  private final List<Hcl2Json.Parsed> files;
  private final List<String> problems = new ArrayList<>();

  /** variable, output, module: name -> block body. */
  private final Map<String, Map<String, Object>> variables = new TreeMap<>();

  private final Map<String, Map<String, Object>> outputs = new TreeMap<>();
  private final Map<String, Map<String, Object>> modules = new TreeMap<>();

  /** resource, data: "type.name" -> block body. */
  private final Map<String, Map<String, Object>> resources = new TreeMap<>();

  private final Map<String, Map<String, Object>> data = new TreeMap<>();

  /** local name -> its expression (hcl2json's JSON). */
  private final Map<String, Object> locals = new LinkedHashMap<>();

  /** Every expression of the module -> the references in it. */
  private final Map<String, List<String>> refs = new HashMap<>();

  public HclModule(Path dir, List<Hcl2Json.Parsed> files, boolean packer) {
    this.dir = dir;
    this.packer = packer;
    this.files = files;
    for (Hcl2Json.Parsed f : files) {
      refs.putAll(f.refs());
      String name = f.file().getFileName().toString();
      f.body()
          .forEach(
              (kind, value) -> {
                switch (kind) {
                  case "variable" -> named(name, "variable", value, variables);
                  case "output" -> named(name, "output", value, outputs);
                  case "module" -> named(name, "module", value, modules);
                  case "resource" -> typed(name, "resource", value, resources);
                  case "data" -> typed(name, "data", value, data);
                  case "locals" -> {
                    for (Object block : (List<?>) value) {
                      ((Map<?, ?>) block)
                          .forEach(
                              (k, v) -> {
                                if (locals.put((String) k, v) != null) {
                                  problems.add(name + ": local." + k + " is declared twice");
                                }
                              });
                    }
                  }
                  default -> {}
                }
              });
    }
  }

  private void named(
      String file, String kind, Object value, Map<String, Map<String, Object>> into) {
    ((Map<?, ?>) value)
        .forEach(
            (n, blocks) -> {
              if (into.put((String) n, body(blocks)) != null) {
                problems.add(file + ": " + kind + " \"" + n + "\" is declared twice");
              }
            });
  }

  private void typed(
      String file, String kind, Object value, Map<String, Map<String, Object>> into) {
    ((Map<?, ?>) value)
        .forEach(
            (type, byName) ->
                ((Map<?, ?>) byName)
                    .forEach(
                        (n, blocks) -> {
                          if (into.put(type + "." + n, body(blocks)) != null) {
                            problems.add(file + ": " + kind + " " + type + "." + n + " twice");
                          }
                        }));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(Object blocks) {
    return (Map<String, Object>) ((List<?>) blocks).get(0);
  }

  public Path dir() {
    return dir;
  }

  public Map<String, Map<String, Object>> variables() {
    return variables;
  }

  public Map<String, Map<String, Object>> outputs() {
    return outputs;
  }

  public Map<String, Map<String, Object>> modules() {
    return modules;
  }

  /** A resource block by "type.name", or null. */
  public Map<String, Object> resource(String typeAndName) {
    return resources.get(typeAndName);
  }

  /** The resources of one type: name -> body. */
  public Map<String, Map<String, Object>> resources(String type) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    resources.forEach(
        (k, v) -> {
          if (k.startsWith(type + ".")) {
            out.put(k.substring(type.length() + 1), v);
          }
        });
    return out;
  }

  /** A data block by "type.name", or null. */
  public Map<String, Object> data(String typeAndName) {
    return data.get(typeAndName);
  }

  /** The data blocks of one type: name -> body. */
  public Map<String, Map<String, Object>> dataOfType(String type) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    data.forEach(
        (k, v) -> {
          if (k.startsWith(type + ".")) {
            out.put(k.substring(type.length() + 1), v);
          }
        });
    return out;
  }

  /** Top-level blocks of another kind (Packer's source, build): hcl2json's JSON. */
  public List<Object> blocks(String kind) {
    List<Object> out = new ArrayList<>();
    for (Hcl2Json.Parsed f : files) {
      if (f.body().containsKey(kind)) {
        out.add(f.body().get(kind));
      }
    }
    return out;
  }

  /**
   * What is wrong with the module's names: references to undeclared variables, locals, data
   * sources, resources or module outputs; module arguments the module does not declare, or required
   * ones not given; variables and outputs without a description (Terraform only).
   *
   * @param modulesByDir the other modules, to check calls of local ones ({@code source = "../x"})
   */
  public List<String> problems(Map<Path, HclModule> modulesByDir) {
    List<String> out = new ArrayList<>(problems);
    for (Hcl2Json.Parsed f : files) {
      String name = f.file().getFileName().toString();
      f.body()
          .forEach(
              (kind, value) -> {
                if (kind.equals("variable")) {
                  // A variable's type (string, list(string)) is a constraint, not an expression.
                  ((Map<?, ?>) value)
                      .values()
                      .forEach(
                          blocks -> {
                            Map<Object, Object> b = new LinkedHashMap<>(body(blocks));
                            b.remove("type");
                            walk(name, b, new HashSet<>(), out, modulesByDir);
                          });
                } else {
                  walk(name, value, new HashSet<>(), out, modulesByDir);
                }
              });
    }
    if (!packer) {
      variables.forEach((n, b) -> described("variable \"" + n + "\"", b, out));
      outputs.forEach((n, b) -> described("output \"" + n + "\"", b, out));
      modules.forEach(
          (n, b) -> {
            HclModule child = child(b, modulesByDir);
            if (child == null) {
              out.add("module \"" + n + "\": source " + b.get("source") + " is not a local module");
              return;
            }
            b.keySet().stream()
                .filter(k -> !META_ARGUMENTS.contains(k) && !child.variables.containsKey(k))
                .forEach(k -> out.add("module \"" + n + "\": " + k + " is not a variable of it"));
            child.variables.forEach(
                (v, vb) -> {
                  if (!vb.containsKey("default") && !b.containsKey(v)) {
                    out.add("module \"" + n + "\": required variable " + v + " is not given");
                  }
                });
          });
    }
    return out;
  }

  private static void described(String what, Map<String, Object> block, List<String> out) {
    if (!(block.get("description") instanceof String d) || d.isBlank()) {
      out.add(what + " has no description");
    }
  }

  private HclModule child(Map<String, Object> moduleBlock, Map<Path, HclModule> modulesByDir) {
    if (!(moduleBlock.get("source") instanceof String src) || !src.startsWith(".")) {
      return null;
    }
    return modulesByDir.get(dir.resolve(src).normalize());
  }

  /** Walks a body; names bound by dynamic blocks (their label or iterator) are in scope below. */
  private void walk(
      String file,
      Object node,
      Set<String> iterators,
      List<String> out,
      Map<Path, HclModule> modulesByDir) {
    if (node instanceof String s) {
      for (String ref : refs.getOrDefault(s, List.of())) {
        String problem = resolve(ref, iterators, modulesByDir);
        if (problem != null) {
          out.add(file + ": " + ref + " " + problem + " (in " + s.strip() + ")");
        }
      }
    } else if (node instanceof List<?> list) {
      list.forEach(v -> walk(file, v, iterators, out, modulesByDir));
    } else if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            walk(file, k, iterators, out, modulesByDir);
            if ("dynamic".equals(k) && v instanceof Map<?, ?> byLabel) {
              byLabel.forEach(
                  (label, blocks) -> {
                    for (Object b : (List<?>) blocks) {
                      Set<String> inner = new HashSet<>(iterators);
                      Object it = ((Map<?, ?>) b).get("iterator");
                      inner.add(it instanceof String name ? name : (String) label);
                      walk(file, b, inner, out, modulesByDir);
                    }
                  });
            } else {
              walk(file, v, iterators, out, modulesByDir);
            }
          });
    }
  }

  /** Null when the reference names something declared, else what is wrong. */
  private String resolve(String ref, Set<String> iterators, Map<Path, HclModule> modulesByDir) {
    String[] p = ref.split("\\.");
    String root = p[0];
    String second = p.length > 1 ? p[1] : "";
    switch (root) {
      case "var":
        return variables.containsKey(second)
            ? null
            : "is not declared (no variable \"" + second + "\")";
      case "local":
        return locals.containsKey(second) ? null : "is not declared in a locals block";
      case "path":
        return Set.of("module", "root", "cwd").contains(second) ? null : "is not a path";
      case "count":
      case "each":
      case "self":
      case "terraform":
        return null;
      default:
        break;
    }
    if (iterators.contains(root)) {
      return null;
    }
    if (packer) {
      // Packer's own roots (source, build, packer) are not checked.
      return Set.of("source", "build", "packer").contains(root) ? null : "is not a Packer name";
    }
    if (root.equals("data")) {
      return p.length > 2 && data.containsKey(second + "." + p[2]) ? null : "is not declared";
    }
    if (root.equals("module")) {
      Map<String, Object> block = modules.get(second);
      if (block == null) {
        return "is not declared (no module \"" + second + "\")";
      }
      HclModule child = child(block, modulesByDir);
      if (child != null && p.length > 2 && !child.outputs.containsKey(p[2])) {
        return "is not an output of " + block.get("source");
      }
      return null;
    }
    return resources.containsKey(root + "." + second) ? null : "is not a declared resource";
  }

  /**
   * A scope for evaluating this module's expressions: variables from {@code inputs}, else their
   * default; locals evaluated on demand; data sources, resources and modules unknown (known only
   * after apply); files read from {@code workingDirectory}.
   */
  public HclEval evaluator(Map<String, Object> inputs, Path workingDirectory) {
    Map<String, Object> localValues = new HashMap<>();
    Set<String> evaluating = new HashSet<>();
    HclEval[] self = new HclEval[1];
    self[0] =
        new HclEval(
            new HclEval.Scope() {
              @Override
              public Object lookup(String root, String name) {
                switch (root) {
                  case "var":
                    if (inputs.containsKey(name)) {
                      return inputs.get(name);
                    }
                    Map<String, Object> v = variables.get(name);
                    if (v == null) {
                      throw new IllegalArgumentException("var." + name + " is not declared");
                    }
                    if (!v.containsKey("default")) {
                      throw new IllegalArgumentException("var." + name + " has no value");
                    }
                    return self[0].eval(v.get("default"));
                  case "local":
                    if (!localValues.containsKey(name)) {
                      if (!locals.containsKey(name) || !evaluating.add(name)) {
                        throw new IllegalArgumentException(
                            "local." + name + ": undeclared or a cycle");
                      }
                      localValues.put(name, self[0].eval(locals.get(name)));
                      evaluating.remove(name);
                    }
                    return localValues.get(name);
                  case "path":
                    return dir.toString();
                  default:
                    return HclEval.UNKNOWN;
                }
              }

              @Override
              public Path workingDirectory() {
                return workingDirectory;
              }
            });
    return self[0];
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
