package dev.pacha.transport;

import dev.pacha.config.HostKeyChecking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to log in to an SFTP master.
 *
 * @param identities private keys to offer, in order (only those that exist are used)
 * @param knownHosts the pinned host keys
 * @param hostKeyChecking how strictly to check the master's host key
 * @param connectTimeout how long to wait for the TCP and SSH handshake
 * @param readTimeout how long a read may stall before the connection counts as lost
 */
public record SshSettings(
    List<Path> identities,
    Path knownHosts,
    HostKeyChecking hostKeyChecking,
    Duration connectTimeout,
    Duration readTimeout) {}
