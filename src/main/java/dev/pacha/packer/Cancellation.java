package dev.pacha.packer;

/**
 * Asks a running image command to stop. The CLI cancels on Ctrl-C (from its shutdown hook); the run
 * then stops packer gracefully and returns a cancelled result.
 */
public final class Cancellation {
  private volatile boolean cancelled;

  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }
}
