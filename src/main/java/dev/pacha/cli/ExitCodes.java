package dev.pacha.cli;

import dev.pacha.PachaException;

/**
 * The exit codes, in one place (the README has the same table).
 *
 * <pre>
 * 0 ok
 * 1 failed
 * 2 usage or config error
 * 3 master unreachable or refused (retry may help)
 * 4 integrity failure (data on the master does not match its manifest)
 * 5 a hook failed
 * 6 another pacha run holds the lock
 * 7 a program pacha drives is missing (packer)
 * 130 interrupted (Ctrl-C) or cancelled; what was under way was stopped and cleaned up
 * </pre>
 *
 * <p>pacha image: a template that packer rejects is a config error (2), a build or provisioner that
 * fails or runs past --timeout is a failure (1).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int INTEGRITY = 4;
  public static final int HOOK = 5;
  public static final int LOCKED = 6;
  public static final int TOOL_MISSING = 7;

  /** 128 + SIGINT, what a shell reports for a program stopped by Ctrl-C. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  public static int of(PachaException.Kind kind) {
    return switch (kind) {
      case FAILED -> FAILED;
      case USAGE -> USAGE;
      case UNREACHABLE -> UNREACHABLE;
      case INTEGRITY -> INTEGRITY;
      case HOOK -> HOOK;
      case LOCKED -> LOCKED;
      case TOOL_MISSING -> TOOL_MISSING;
      case CANCELLED -> INTERRUPTED;
    };
  }
}
