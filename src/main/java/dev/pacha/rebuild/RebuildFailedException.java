package dev.pacha.rebuild;

import dev.pacha.PachaException;

/** A rebuild that started and failed; carries its report (already written to the state dir). */
public class RebuildFailedException extends PachaException {
  private static final long serialVersionUID = 1L;
  private final transient RebuildReport report;

  public RebuildFailedException(Kind kind, String message, RebuildReport report) {
    super(kind, message);
    this.report = report;
  }

  public RebuildReport report() {
    return report;
  }
}
