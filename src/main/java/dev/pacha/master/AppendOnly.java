package dev.pacha.master;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a host's own key may change in its directory (docs/FORMAT.md, "What a host's key may do"):
 * add, never rewrite. A host creates directories and new files, renames its own temporary files
 * ({@code .NAME.tmp-RANDOM}) onto names that do not exist yet, and removes its own temporary files.
 * Everything else that changes the store is the operator's: deleting, overwriting, modes and
 * owners, and the hooks ({@code pacha_pre/}, {@code pacha_post/}, their other spellings and {@code
 * hooks.json*}), which the rebuild runs as root. Format 1's {@code latest} pointer is the one file
 * a host may replace, for clients that still write it.
 *
 * <p>Paths are the names below the host's directory ({@code snapshots/ID.json} is {@code
 * [snapshots, ID.json]}); the host's directory itself is the empty list. Pure decisions, no disk.
 */
final class AppendOnly {
  private AppendOnly() {}

  /**
   * Every spelling of the hook directories the rebuild reads (HookStore's PRE_DIRS and POST_DIRS).
   */
  static final Set<String> HOOK_DIRS = Set.of("pacha_pre", "pacha_post", "pre_pacha", "post_pacha");

  /** Format 1's pointer, which old clients replace after every push. */
  static final List<String> FORMAT1_LATEST = List.of("latest");

  /** A client's temporary name: {@code .NAME.tmp-RANDOM}, as every pacha transport makes them. */
  private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-[^/]+");

  static boolean isTemp(String name) {
    return TEMP.matcher(name).matches();
  }

  /** Whether the path is the operator's: the hooks, in any spelling, and the signed hook list. */
  static boolean isOperators(List<String> rel) {
    if (rel.isEmpty()) {
      return false;
    }
    String top = rel.get(0);
    return HOOK_DIRS.contains(top) || top.startsWith("hooks.json") || top.startsWith(".hooks.json");
  }

  /**
   * Why a host may not create {@code rel} (a file or a directory), or null when it may; whether it
   * exists already is checked by the caller, atomically.
   */
  static String refuseCreate(List<String> rel) {
    if (isOperators(rel)) {
      return "hooks are the operator's (an admin key or the master's own pacha hooks push)";
    }
    return null;
  }

  /** Why a host may not remove {@code rel}, or null when it may (its own temporary files). */
  static String refuseRemove(List<String> rel, boolean directory) {
    if (rel.isEmpty() || directory) {
      return "a host's key adds to the store and never deletes (deletions are the operator's)";
    }
    if (isOperators(rel)) {
      return "hooks are the operator's";
    }
    if (!isTemp(rel.get(rel.size() - 1))) {
      return "a host's key removes only its own temporary files (.NAME.tmp-*)";
    }
    return null;
  }

  /**
   * Why a host may not rename {@code from} to {@code to}, or null when it may: only its own
   * temporary files, onto a name that is not the operator's. Whether {@code to} exists is the
   * caller's to check, atomically; {@link #mayReplace} says when it may.
   */
  static String refuseRename(List<String> from, List<String> to) {
    if (from.isEmpty() || to.isEmpty()) {
      return "a host's key cannot move its own directory";
    }
    if (isOperators(from) || isOperators(to)) {
      return "hooks are the operator's";
    }
    if (!isTemp(from.get(from.size() - 1))) {
      return "a host's key renames only its own temporary files (.NAME.tmp-*) onto new names";
    }
    return null;
  }

  /** Whether a rename by a host may replace an existing {@code to}: format 1's pointer only. */
  static boolean mayReplace(List<String> to) {
    return to.equals(FORMAT1_LATEST);
  }
}
