package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.MissingOwner;
import dev.pacha.track.Entry;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Owners the snapshot names that this host lacks, handled as pacha.rebuild.missing_owner says: fail
 * stops the rebuild before anything is placed; numeric and skip warn. Pre-hooks may create users
 * and groups, so with pre-hooks the check runs after them (and a dry run only warns).
 */
final class OwnerCheck {
  private OwnerCheck() {}

  /**
   * @param beforePreHooks a dry run of a full rebuild whose pre-hooks have not run and may still
   *     create them: warn only
   */
  static void check(
      List<Entry> entries, MissingOwner policy, boolean beforePreHooks, Reporter reporter) {
    // Looked up afresh each time: a pre-hook may just have created them.
    Set<String> missing = new Owners().missing(entries);
    if (missing.isEmpty()) {
      return;
    }
    String list = String.join(", ", missing);
    if (beforePreHooks) {
      reporter.warn(
          "not on this host yet: "
              + list
              + "; unless a pre-hook creates them, pacha.rebuild.missing_owner = "
              + policy.name().toLowerCase(Locale.ROOT)
              + " applies");
      return;
    }
    switch (policy) {
      case FAIL ->
          throw new StepFailure(
              PachaException.Kind.FAILED,
              "these owners do not exist on this host: "
                  + list
                  + " (pacha.rebuild.missing_owner"
                  + " = fail); nothing was placed; create them (a pre-hook can), or use skip or"
                  + " numeric");
      case NUMERIC ->
          reporter.warn("not on this host: " + list + "; using the recorded numeric ids");
      case SKIP ->
          reporter.warn("not on this host: " + list + "; their files keep the current owner");
    }
  }
}
