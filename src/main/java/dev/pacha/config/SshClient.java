package dev.pacha.config;

import java.util.Locale;

/** pacha.ssh.client: the SSH client that reaches an sftp:// master. */
public enum SshClient {
  /**
   * The system's OpenSSH client ({@code ssh ... -s sftp}), with the user's ssh config and agent.
   */
  OPENSSH,
  /** The client built into pacha (JSch): needs no ssh program, reads only pacha's own keys. */
  BUILTIN;

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
