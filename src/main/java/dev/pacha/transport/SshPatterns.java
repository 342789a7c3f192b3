package dev.pacha.transport;

import java.util.Locale;

/**
 * OpenSSH's patterns (ssh_config(5), PATTERNS): {@code *} matches any run of characters, {@code ?}
 * one character, and a pattern-list is comma-separated, where {@code !pattern} excludes. Used for
 * known_hosts host names and allowed_signers principals and namespaces, with OpenSSH's semantics.
 */
public final class SshPatterns {
  private SshPatterns() {}

  /** Whether {@code s} matches one pattern. */
  public static boolean matches(String s, String pattern) {
    int si = 0;
    int pi = 0;
    int starP = -1;
    int starS = -1;
    while (si < s.length()) {
      if (pi < pattern.length()
          && (pattern.charAt(pi) == '?' || pattern.charAt(pi) == s.charAt(si))) {
        si++;
        pi++;
      } else if (pi < pattern.length() && pattern.charAt(pi) == '*') {
        starP = pi++;
        starS = si;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < pattern.length() && pattern.charAt(pi) == '*') {
      pi++;
    }
    return pi == pattern.length();
  }

  /**
   * Whether {@code s} matches a pattern-list, as OpenSSH's match_pattern_list: true when some
   * pattern matches and no negated one does. With {@code lowercase}, the patterns are compared in
   * lower case (host names; the caller lowercases {@code s}).
   */
  public static boolean matchesList(String s, String list, boolean lowercase) {
    boolean positive = false;
    for (String p : list.split(",", -1)) {
      boolean negated = p.startsWith("!");
      String pattern = negated ? p.substring(1) : p;
      if (lowercase) {
        pattern = pattern.toLowerCase(Locale.ROOT);
      }
      if (matches(s, pattern)) {
        if (negated) {
          return false;
        }
        positive = true;
      }
    }
    return positive;
  }
}
