package dev.pacha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Sizes in sentences are what String.format printed before, digit for digit. */
class SizeProperties {
  private static String formatted(long bytes) {
    if (bytes < 1024) {
      return Long.toString(bytes);
    }
    double v = bytes;
    String[] units = {"KB", "MB", "GB", "TB"};
    int i = -1;
    do {
      v /= 1024;
      i++;
    } while (v >= 1024 && i < units.length - 1);
    return String.format(Locale.ROOT, v < 10 ? "%.1f%s" : "%.0f%s", v, units[i]);
  }

  @Property(tries = 5000)
  void size_anySize_sameAsFormat(@ForAll @LongRange(min = 0, max = 1L << 50) long bytes) {
    assertEquals(formatted(bytes), ConsoleReporter.size(bytes));
  }

  @Property(tries = 2000)
  void size_nearUnitEdges_sameAsFormat(
      @ForAll @LongRange(min = 1, max = 4) int power,
      @ForAll @LongRange(min = -300, max = 300) long off) {
    long unit = 1L << (10 * power);
    for (long base : new long[] {unit, 10 * unit - unit / 20, 10 * unit, 1024 * unit}) {
      long b = Math.max(0, base + off);
      assertEquals(formatted(b), ConsoleReporter.size(b), () -> Long.toString(b));
    }
  }

  @Example
  void bytes_examples() {
    assertEquals("1 byte", ConsoleReporter.bytes(1));
    assertEquals("1023 bytes", ConsoleReporter.bytes(1023));
    assertEquals("1.0 KB", ConsoleReporter.bytes(1024));
    assertEquals("10.0 KB", ConsoleReporter.bytes(10 * 1024 - 20));
    assertEquals("146 MB", ConsoleReporter.bytes(152_867_150));
  }
}
