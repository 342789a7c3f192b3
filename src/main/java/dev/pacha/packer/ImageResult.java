package dev.pacha.packer;

import dev.pacha.PachaException;
import java.util.List;

/**
 * What `pacha image validate|bake` did: the outcome, what packer built and what went wrong.
 *
 * @param action validate or bake
 * @param template the template file or directory packer read
 * @param outcome ok, invalid (packer rejected the template or its variables), failed (a build or
 *     provisioner failed), cancelled, timed-out
 * @param packerExitCode packer's exit status of its last run; -1 when it never started or would not
 *     end
 * @param durationMillis wall time of the whole run
 * @param artifacts what the builds produced (failed builds produce none; others may)
 * @param errors why builds failed, or the template's errors
 */
public record ImageResult(
    String action,
    String template,
    String outcome,
    int packerExitCode,
    long durationMillis,
    List<Artifact> artifacts,
    List<Failure> errors) {

  public static final String OK = "ok";
  public static final String INVALID = "invalid";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";
  public static final String TIMED_OUT = "timed-out";

  public ImageResult {
    artifacts = List.copyOf(artifacts);
    errors = List.copyOf(errors);
  }

  /**
   * One error.
   *
   * @param build the failed build, or empty for an error of the template or of packer itself
   * @param message packer's message
   */
  public record Failure(String build, String message) {}

  public boolean ok() {
    return OK.equals(outcome);
  }

  /**
   * Throws the exception that tells the operator what went wrong, in one line, with the kind that
   * decides the exit code; returns quietly when the outcome is ok.
   */
  public void requireOk() {
    String first = errors.isEmpty() ? "" : ": " + describe(errors.get(0));
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
    switch (outcome) {
      case OK -> {}
      case INVALID ->
          throw PachaException.usage(
              "the template "
                  + template
                  + " does not validate"
                  + first
                  + more
                  + "; fix it and retry");
      case CANCELLED ->
          throw new PachaException(
              PachaException.Kind.CANCELLED,
              "cancelled: packer was stopped and cleaned up what it had started");
      case TIMED_OUT ->
          throw PachaException.failed(
              "the "
                  + action
                  + " ran past --timeout and was stopped; packer cleaned up what it had started",
              null);
      default ->
          throw PachaException.failed(
              "packer " + (action.equals("bake") ? "build" : action) + " failed" + first + more,
              null);
    }
  }

  private static String describe(Failure f) {
    String m = oneLine(f.message());
    return f.build().isEmpty() ? m : f.build() + ": " + m;
  }

  /**
   * Packer's multi-line HCL diagnostics as one line: "Error: Unsupported argument on x.pkr.hcl line
   * 3: An argument named "bogus" is not expected here."
   */
  static String oneLine(String message) {
    StringBuilder b = new StringBuilder();
    for (String line : message.split("\\R")) {
      String t = line.strip();
      if (t.isEmpty() || t.equals("(source code not available)")) {
        continue;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(t);
    }
    return b.toString();
  }
}
