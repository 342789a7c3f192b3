package dev.pacha.hooks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which hook scripts run and in what order, defined once: every name but dot-files, in byte order
 * of the names' UTF-8 (what `ls` shows under LC_ALL=C, the seed's alphabetical order). The master's
 * hook storage, the upload of hooks and the runner all follow it.
 */
public final class HookOrder {
  private HookOrder() {}

  /** Names compared as their UTF-8 bytes, unsigned. */
  public static final Comparator<String> BY_NAME =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** Whether a script of this name runs: dot-files never do (editors' and tools' leftovers). */
  public static boolean runs(String name) {
    return !name.startsWith(".");
  }

  /** The names that run, in the order they run. */
  public static List<String> ordered(Collection<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (runs(n)) {
        out.add(n);
      }
    }
    out.sort(BY_NAME);
    return out;
  }
}
