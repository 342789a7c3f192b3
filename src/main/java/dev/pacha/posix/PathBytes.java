package dev.pacha.posix;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Byte-exact names as Java Strings. A name the kernel gives is a byte string; when it is UTF-8 the
 * String is its text, and each byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC80..U+DCFF (PEP 383's "surrogateescape"), so every byte string maps to a String and back to
 * the same bytes whatever the locale.
 *
 * <p>Valid UTF-8 here is strict (RFC 3629): no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF. Anything else is escaped byte by byte, which is what keeps the mapping one-to-one.
 */
public final class PathBytes {
  private PathBytes() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The bytes a String stands for. Throws if it holds a surrogate that no byte string makes. */
  public static byte[] encode(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && s.charAt(i) < 0x80) {
      i++;
    }
    if (i == n) {
      byte[] ascii = new byte[n];
      for (int k = 0; k < n; k++) {
        ascii[k] = (byte) s.charAt(k);
      }
      return ascii;
    }
    byte[] out = new byte[n * 3];
    int o = 0;
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | (c >> 6));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && k + 1 < n
          && Character.isLowSurrogate(s.charAt(k + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++k));
        out[o++] = (byte) (0xF0 | (cp >> 18));
        out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (cp & 0x3F));
      } else if (c >= 0xDC80 && c <= 0xDCFF) {
        out[o++] = (byte) (c - 0xDC00);
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "not a byte-exact name: lone surrogate U+"
                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                + " at "
                + k);
      } else {
        out[o++] = (byte) (0xE0 | (c >> 12));
        out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return Arrays.copyOf(out, o);
  }

  /** The String for a byte string: its UTF-8 text, with invalid bytes escaped. */
  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** The String for {@code len} bytes of {@code bytes} from {@code off}. */
  public static String decode(byte[] bytes, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && bytes[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(bytes, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    char[] out = new char[len];
    int o = 0;
    for (int k = off; k < i; k++) {
      out[o++] = (char) bytes[k];
    }
    while (i < end) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        out[o++] = (char) b;
        i++;
        continue;
      }
      int need = sequenceLength(bytes, i, end);
      if (need == 0) {
        out[o++] = (char) (0xDC00 + b);
        i++;
      } else if (need == 2) {
        out[o++] = (char) (((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F));
        i += 2;
      } else if (need == 3) {
        out[o++] =
            (char) (((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F));
        i += 3;
      } else {
        int cp =
            ((b & 0x07) << 18)
                | ((bytes[i + 1] & 0x3F) << 12)
                | ((bytes[i + 2] & 0x3F) << 6)
                | (bytes[i + 3] & 0x3F);
        out[o++] = Character.highSurrogate(cp);
        out[o++] = Character.lowSurrogate(cp);
        i += 4;
      }
    }
    return new String(out, 0, o);
  }

  /**
   * The length of the valid UTF-8 sequence that starts at {@code i} with a byte >= 0x80, or 0 when
   * none does (the byte is then escaped on its own).
   */
  private static int sequenceLength(byte[] b, int i, int end) {
    int b0 = b[i] & 0xFF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      return i + 1 < end && isCont(b[i + 1]) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      if (i + 2 >= end || !isCont(b[i + 1]) || !isCont(b[i + 2])) {
        return 0;
      }
      int b1 = b[i + 1] & 0xFF;
      if (b0 == 0xE0 && b1 < 0xA0) {
        return 0; // overlong
      }
      if (b0 == 0xED && b1 >= 0xA0) {
        return 0; // an encoded surrogate
      }
      return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      if (i + 3 >= end || !isCont(b[i + 1]) || !isCont(b[i + 2]) || !isCont(b[i + 3])) {
        return 0;
      }
      int b1 = b[i + 1] & 0xFF;
      if (b0 == 0xF0 && b1 < 0x90) {
        return 0; // overlong
      }
      if (b0 == 0xF4 && b1 >= 0x90) {
        return 0; // above U+10FFFF
      }
      return 4;
    }
    return 0;
  }

  private static boolean isCont(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /** Whether the name's bytes are valid UTF-8 (it holds no escaped byte). */
  public static boolean isUtf8(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c >= 0xDC80 && c <= 0xDCFF && (k == 0 || !Character.isHighSurrogate(s.charAt(k - 1)))) {
        return false;
      }
    }
    return true;
  }

  /** The name's bytes in lower-case hex (the manifest's {@code path_hex}). */
  public static String hex(String s) {
    byte[] b = encode(s);
    char[] out = new char[b.length * 2];
    for (int i = 0; i < b.length; i++) {
      out[2 * i] = HEX[(b[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[b[i] & 0xF];
    }
    return new String(out);
  }

  /** The name whose bytes are given in hex (either case). */
  public static String fromHex(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("hex name has an odd number of digits: " + hex);
    }
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a hex digit in name: " + hex);
      }
      b[i] = (byte) ((hi << 4) | lo);
    }
    return decode(b);
  }

  /**
   * The name for people: escaped bytes as {@code \xE9}, control characters as {@code \xNN} too, a
   * backslash doubled. For messages and logs, never for finding the file again.
   */
  public static String printable(String s) {
    StringBuilder sb = null;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      boolean escaped =
          c >= 0xDC80 && c <= 0xDCFF && (k == 0 || !Character.isHighSurrogate(s.charAt(k - 1)));
      if (escaped || c < 0x20 || c == 0x7F || c == '\\') {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 8).append(s, 0, k);
        }
        if (c == '\\') {
          sb.append("\\\\");
        } else {
          int b = escaped ? c - 0xDC00 : c;
          sb.append("\\x")
              .append(Character.toUpperCase(HEX[b >> 4]))
              .append(Character.toUpperCase(HEX[b & 0xF]));
        }
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * Paths in tree order, compared by their bytes: a directory comes right before its contents
   * ("/a", "/a/b", "/a-b"), because '/' sorts before every other byte; otherwise unsigned byte
   * order, which for UTF-8 is code point order.
   */
  public static final Comparator<String> TREE_ORDER = PathBytes::compareTree;

  /** Byte strings in tree order: '/' first, then unsigned byte order, shorter first on a tie. */
  public static int compareTree(byte[] x, byte[] y) {
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      if (x[i] != y[i]) {
        return Integer.compare(treeKey(x[i]), treeKey(y[i]));
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int treeKey(byte b) {
    return b == '/' ? -1 : b & 0xFF;
  }

  private static int compareTree(String x, String y) {
    int n = Math.min(x.length(), y.length());
    int i = 0;
    while (i < n && x.charAt(i) == y.charAt(i)) {
      i++;
    }
    if (i == n) {
      return Integer.compare(x.length(), y.length());
    }
    char a = x.charAt(i);
    char b = y.charAt(i);
    if (a < 0x80 && b < 0x80) {
      return Integer.compare(a == '/' ? -1 : a, b == '/' ? -1 : b);
    }
    if (a < 0x80 || b < 0x80) {
      // an ASCII byte against the first byte of anything else, which is >= 0x80
      return a < 0x80 ? -1 : 1;
    }
    // Both differ at a non-ASCII unit: compare the bytes from there (an escaped byte can be the
    // prefix of another unit's sequence). Back up over a shared high surrogate.
    if (i > 0 && Character.isHighSurrogate(x.charAt(i - 1))) {
      i--;
    }
    return compareTree(encode(x.substring(i)), encode(y.substring(i)));
  }
}
