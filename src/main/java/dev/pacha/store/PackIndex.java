package dev.pacha.store;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each object lies in one pack: sha256, offset, length. A pack is the plain concatenation of
 * the objects; its index is a small text file written after the pack, so an index never names a
 * pack that is not complete.
 */
final class PackIndex {
  static final String HEADER = "pacha-pack-index 1";

  /** One object's place in a pack. */
  record Slot(String pack, long offset, long length) {}

  private PackIndex() {}

  static byte[] format(Map<String, Slot> slots) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Map.Entry<String, Slot> e : slots.entrySet()) {
      sb.append(e.getKey())
          .append(' ')
          .append(e.getValue().offset())
          .append(' ')
          .append(e.getValue().length())
          .append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Parses an index.
   *
   * @throws IllegalArgumentException when it is damaged
   */
  static Map<String, Slot> parse(String pack, byte[] text) {
    String[] lines = new String(text, StandardCharsets.US_ASCII).split("\n");
    if (lines.length == 0 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("index of pack " + pack + " has no valid header");
    }
    Map<String, Slot> slots = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] f = lines[i].split(" ");
      if (f.length != 3 || !f[0].matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "index of pack " + pack + " is damaged at line " + (i + 1));
      }
      try {
        slots.put(f[0], new Slot(pack, Long.parseLong(f[1]), Long.parseLong(f[2])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "index of pack " + pack + " is damaged at line " + (i + 1));
      }
    }
    return slots;
  }
}
