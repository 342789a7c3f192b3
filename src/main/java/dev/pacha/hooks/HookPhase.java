package dev.pacha.hooks;

/** When a host's hooks run during its rebuild. */
public enum HookPhase {
  /** Before anything is placed; a failure stops the rebuild. */
  PRE,
  /** After every file is placed; all run, failures are reported. */
  POST;

  /** "pre" or "post", as in PACHA_PHASE, messages and the report. */
  public String label() {
    return this == PRE ? "pre" : "post";
  }
}
