package dev.pacha.hooks;

/**
 * How one hook script ran.
 *
 * @param phase "pre" or "post"
 * @param name the script's file name
 * @param exitCode its exit code (-1 when it could not be started or timed out)
 * @param millis how long it ran
 * @param timedOut whether it was stopped for running past pacha.hooks.timeout
 * @param output what it wrote to stdout and stderr (the last 64 KiB)
 */
public record HookResult(
    String phase, String name, int exitCode, long millis, boolean timedOut, String output) {
  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }
}
