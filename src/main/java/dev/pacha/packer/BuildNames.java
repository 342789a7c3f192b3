package dev.pacha.packer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The builds of a template, read from `packer inspect`, to check --only: packer 1.6.6 quietly
 * validates and builds nothing when -only matches no build.
 */
final class BuildNames {
  private BuildNames() {}

  /**
   * Full build names ("pacha-base.amazon-ebs.debian"; "null.x" for an unnamed build) from the text
   * of inspect's "> builds:" block; empty when the text is not in the expected shape.
   */
  static List<String> parse(String inspect) {
    List<String> names = new ArrayList<>();
    int at = inspect.indexOf("> builds:");
    if (at < 0) {
      return names;
    }
    String build = null;
    boolean inSources = false;
    for (String line : inspect.substring(at + "> builds:".length()).split("\n")) {
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("> ") && t.endsWith(":")) {
        String name = t.substring(2, t.length() - 1);
        build = name.startsWith("<unnamed build") ? "" : name;
        inSources = false;
      } else if (t.equals("sources:")) {
        inSources = build != null;
      } else if (t.endsWith(":")) {
        inSources = false;
      } else if (inSources) {
        names.add(build.isEmpty() ? t : build + "." + t);
      }
    }
    return names;
  }

  /** Whether an --only pattern matches a name as packer's globs do ("*" spans dots too). */
  static boolean matches(String pattern, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return name.matches(re.toString());
  }
}
