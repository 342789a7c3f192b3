package dev.pacha.posix;

import java.util.Map;

/**
 * The environment pacha was started with, for the programs it runs. The launcher runs the JVM under
 * LC_ALL=C.UTF-8, so that java.nio can name any file whatever the caller's locale, and keeps the
 * caller's LC_ALL in {@value #SAVED_LC_ALL} ("set:VALUE" or "unset"); hooks must see the caller's
 * locale, not pacha's.
 */
public final class ChildEnvironment {
  private ChildEnvironment() {}

  /** Where the launcher keeps the caller's LC_ALL. */
  public static final String SAVED_LC_ALL = "PACHA_SAVED_LC_ALL";

  /**
   * Puts the caller's LC_ALL back into a child's environment (a ProcessBuilder's) and drops the
   * saved copy. Without the launcher's copy (pacha run from a jar directly) it changes nothing.
   */
  public static Map<String, String> restore(Map<String, String> env) {
    String saved = env.remove(SAVED_LC_ALL);
    if (saved == null) {
      return env;
    }
    if (saved.startsWith("set:")) {
      env.put("LC_ALL", saved.substring(4));
    } else {
      env.remove("LC_ALL");
    }
    return env;
  }
}
