package dev.pacha.trust;

/**
 * Text from a signature, key or file name that a message quotes: it came from the master, so it may
 * hold line breaks or terminal escapes. Control characters become {@code \xNN}, so an error stays
 * one line and says what was there.
 */
final class Printable {
  private Printable() {}

  static String of(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        if (sb == null) {
          sb = new StringBuilder(s.substring(0, i));
        }
        sb.append(String.format("\\x%02x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
