package dev.pacha.config;

/** pacha.rebuild.missing_owner: what a rebuild does when a file's user or group does not exist. */
public enum MissingOwner {
  /** The seed's behaviour: leave ownership as it is for that path, say so, report it. */
  SKIP,
  /** Use the numeric uid/gid recorded in the snapshot. */
  NUMERIC,
  /** Refuse to rebuild before anything is placed. */
  FAIL;

  public String configValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
