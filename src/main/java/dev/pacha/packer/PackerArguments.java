package dev.pacha.packer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place packer's command lines are made: the request's --var, --var-file and --only, and
 * the variables pacha sets itself (the .deb to install, pacha's version).
 *
 * <p>Generated variables travel in a var-file, not as -var: packer refuses a -var its template does
 * not declare but only warns about such a var-file entry, so templates that do not install pacha
 * still work. The var-file comes first, so the user's --var-file and --var override it.
 */
public final class PackerArguments {
  /** The path of the pacha .deb to install. */
  public static final String DEB = "pacha_deb";

  /** pacha's version, for image tags. */
  public static final String VERSION = "pacha_version";

  private final ImageRequest request;
  private final Optional<Path> home;

  /**
   * @param home where pacha's jar lies (to find the .deb built with it); empty when unknown
   */
  public PackerArguments(ImageRequest request, Optional<Path> home) {
    this.request = request;
    this.home = home;
  }

  /** The .deb the image gets: --deb, else the one built beside the jar. */
  public Optional<Path> deb() {
    return request.deb().or(() -> home.flatMap(Installation::deb)).map(Path::toAbsolutePath);
  }

  /** The variables pacha sets; an explicit --var of the same name wins and is left out here. */
  public Map<String, String> generated() {
    Map<String, String> vars = new LinkedHashMap<>();
    deb().ifPresent(d -> vars.put(DEB, d.toString()));
    vars.put(VERSION, Installation.version());
    vars.keySet().removeAll(request.vars().keySet());
    return vars;
  }

  /** `packer validate` with the request's inputs. */
  public List<String> validate(Path packer, Path generatedVarFile) {
    return command(packer, "validate", generatedVarFile, List.of());
  }

  /** `packer inspect`, without --only: every build of the template. */
  public List<String> inspect(Path packer, Path generatedVarFile) {
    List<String> cmd = command(packer, "inspect", generatedVarFile, List.of());
    cmd.removeIf(a -> a.startsWith("-only="));
    return cmd;
  }

  /**
   * `packer build`. On error it cleans up (never "ask": nobody may be there to answer; never
   * "abort": a build instance would be left running).
   */
  public List<String> build(Path packer, Path generatedVarFile) {
    return command(packer, "build", generatedVarFile, List.of("-on-error=cleanup"));
  }

  private List<String> command(Path packer, String verb, Path varFile, List<String> extra) {
    List<String> cmd = new ArrayList<>();
    cmd.add(packer.toString());
    cmd.add(verb);
    cmd.add("-machine-readable");
    cmd.addAll(extra);
    cmd.add("-var-file=" + varFile);
    for (Path f : request.varFiles()) {
      cmd.add("-var-file=" + f);
    }
    for (Map.Entry<String, String> v : request.vars().entrySet()) {
      cmd.add("-var");
      cmd.add(v.getKey() + "=" + v.getValue());
    }
    if (!request.only().isEmpty()) {
      cmd.add("-only=" + String.join(",", request.only()));
    }
    cmd.add(request.template().toString());
    return cmd;
  }

  /** A var-file (HCL) that sets these string variables. */
  public static String varFile(Map<String, String> vars) {
    StringBuilder b = new StringBuilder("# Written by pacha for one packer run.\n");
    for (Map.Entry<String, String> v : vars.entrySet()) {
      b.append(v.getKey()).append(" = ").append(hclString(v.getValue())).append('\n');
    }
    return b.toString();
  }

  /** An HCL string literal: quotes and backslashes escaped, and no template interpolation. */
  static String hclString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '$', '%' -> {
          b.append(c);
          // "${" and "%{" start interpolation in HCL; doubling the sign makes them literal.
          if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
            b.append(c);
          }
        }
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
