package dev.pacha.store;

import dev.pacha.PachaException;
import java.util.regex.Pattern;

/** Host names as directory names on the master: nothing that could climb out of hosts.path. */
public final class HostNames {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

  private HostNames() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches() && !name.contains("..");
  }

  /** Returns the name, or a usage error saying what a host name may contain. */
  public static String check(String name) {
    if (!isValid(name)) {
      throw PachaException.usage(
          "host name '"
              + name
              + "' is not valid: use letters, digits, '.', '-' and '_',"
              + " starting with a letter or digit");
    }
    return name;
  }
}
