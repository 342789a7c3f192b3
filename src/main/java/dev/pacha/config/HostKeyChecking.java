package dev.pacha.config;

/** pacha.ssh.host_key_checking: how the master's SSH host key is checked. */
public enum HostKeyChecking {
  /** The key must already be in pacha.ssh.known_hosts. */
  YES,
  /** An unknown key is added on first use; a changed key is refused. */
  ACCEPT_NEW,
  /** Any key is accepted (for throw-away test masters only). */
  NO;

  public String configValue() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
