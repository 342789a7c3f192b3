package dev.pacha.transport;

import java.nio.file.Path;
import java.util.Map;

/**
 * Who runs pacha on this machine, as an SSH client sees them.
 *
 * @param home the home directory (the built-in client's default keys)
 * @param env the environment pacha was started with: PATH finds ssh, SSH_AUTH_SOCK reaches
 *     ssh-agent; the OpenSSH client runs with exactly this environment
 * @param attended whether a person at a terminal can answer a prompt (a key's passphrase, an
 *     unknown host key); never at first boot, in the push daemon or without a terminal, where ssh
 *     runs in batch mode and fails instead of waiting
 */
public record LocalUser(Path home, Map<String, String> env, boolean attended) {
  public LocalUser {
    env = Map.copyOf(env);
  }
}
