package dev.pacha.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The SSH settings as the config file gives them, each empty when it is not set. The OpenSSH client
 * passes to ssh only what is set and leaves the rest to the user's ssh config (Host aliases,
 * ProxyJump, IdentityFile, ssh-agent); the built-in client uses {@link PachaConfig}'s resolved
 * values and defaults.
 *
 * @param client pacha.ssh.client; empty: openssh when an ssh program is on PATH, else builtin
 * @param config pacha.ssh.config: the ssh_config file the OpenSSH client reads instead of the
 *     user's and the system's
 * @param user the SSH user, when pacha.ssh.user (or the user of pacha.master.url) names one
 * @param port the SSH port, when pacha.ssh.port (or the port of pacha.master.url) names one
 * @param knownHosts pacha.ssh.known_hosts
 * @param hostKeyChecking pacha.ssh.host_key_checking
 */
public record SshClientSettings(
    Optional<SshClient> client,
    Optional<Path> config,
    Optional<String> user,
    OptionalInt port,
    Optional<Path> knownHosts,
    Optional<HostKeyChecking> hostKeyChecking) {

  /** Nothing set: every choice is left to the defaults. */
  public static SshClientSettings unset() {
    return new SshClientSettings(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
