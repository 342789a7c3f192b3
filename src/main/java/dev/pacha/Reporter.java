package dev.pacha;

/**
 * How core code tells the operator what is happening. Core code never prints; the CLI renders these
 * events as text on a terminal, or keeps quiet with --quiet / --json.
 */
public interface Reporter {

  /** A step worth a line of its own ("Pushing /opt/foo", "Running pre-hook 10-users"). */
  void step(String message);

  /** Something was skipped or is not as expected, but the run goes on. */
  void warn(String message);

  /** Detail shown with --verbose only. */
  default void detail(String message) {}

  /**
   * Transfer progress of one file, like scp's lines. Called with done == total when it is finished.
   */
  default void transfer(String name, long done, long total, long nanos) {}

  /** A reporter that drops everything (tests, --json callers that only want the result). */
  static Reporter silent() {
    return new Reporter() {
      @Override
      public void step(String message) {}

      @Override
      public void warn(String message) {}
    };
  }
}
