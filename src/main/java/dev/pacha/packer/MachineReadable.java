package dev.pacha.packer;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses packer's -machine-readable lines. Packer escapes each data field: a comma becomes {@code
 * %!(PACKER_COMMA)}, a newline {@code \n} and a carriage return {@code \r} (backslashes themselves
 * are not escaped, so a literal backslash-n in a message reads back as a newline).
 */
public final class MachineReadable {
  static final String COMMA = "%!(PACKER_COMMA)";

  private MachineReadable() {}

  /**
   * The event of one line; never null: a line that does not fit is {@link PackerEvent.Unparsed}.
   */
  public static PackerEvent parse(String line) {
    String[] f = line.split(",", -1);
    if (f.length < 3 || f[0].isEmpty() || f[2].isEmpty() || !digits(f[0])) {
      return new PackerEvent.Unparsed(line);
    }
    long time;
    try {
      time = Long.parseLong(f[0]);
    } catch (NumberFormatException e) {
      return new PackerEvent.Unparsed(line);
    }
    String target = unescape(f[1]);
    String type = f[2];
    List<String> data = new ArrayList<>(f.length - 3);
    for (int i = 3; i < f.length; i++) {
      data.add(unescape(f[i]));
    }
    PackerEvent typed =
        switch (type) {
          case "ui" -> ui(time, target, data);
          case "artifact-count" -> count(data) < 0 ? null : artifactCount(time, target, data);
          case "artifact" -> artifact(time, target, data);
          case "error-count" ->
              count(data) < 0 ? null : new PackerEvent.ErrorCount(time, target, count(data));
          case "error" -> data.isEmpty() ? null : buildError(time, target, data);
          default -> null;
        };
    return typed != null ? typed : new PackerEvent.Other(time, target, type, List.copyOf(data));
  }

  /** One data field as packer meant it. */
  public static String unescape(String field) {
    if (field.indexOf('%') < 0 && field.indexOf('\\') < 0) {
      return field;
    }
    return field.replace(COMMA, ",").replace("\\n", "\n").replace("\\r", "\r");
  }

  private static PackerEvent ui(long time, String target, List<String> data) {
    if (data.size() < 2) {
      return null;
    }
    PackerEvent.Ui.Level level =
        switch (data.get(0)) {
          case "say" -> PackerEvent.Ui.Level.SAY;
          case "message" -> PackerEvent.Ui.Level.MESSAGE;
          case "error" -> PackerEvent.Ui.Level.ERROR;
          default -> null;
        };
    // Packer splits nothing inside a ui text, but a stray unescaped comma must not lose words.
    return level == null
        ? null
        : new PackerEvent.Ui(time, target, level, String.join(",", data.subList(1, data.size())));
  }

  private static PackerEvent artifactCount(long time, String target, List<String> data) {
    return new PackerEvent.ArtifactCount(time, target, count(data));
  }

  private static PackerEvent artifact(long time, String target, List<String> data) {
    if (data.size() < 2 || !digits(data.get(0)) || data.get(0).length() > 6) {
      return null;
    }
    return new PackerEvent.ArtifactField(
        time,
        target,
        Integer.parseInt(data.get(0)),
        data.get(1),
        List.copyOf(data.subList(2, data.size())));
  }

  private static PackerEvent buildError(long time, String target, List<String> data) {
    return new PackerEvent.BuildError(time, target, String.join(",", data));
  }

  /** The first data field as a count, or -1 when it is not one. */
  private static int count(List<String> data) {
    if (data.isEmpty() || !digits(data.get(0)) || data.get(0).length() > 9) {
      return -1;
    }
    return Integer.parseInt(data.get(0));
  }

  private static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
