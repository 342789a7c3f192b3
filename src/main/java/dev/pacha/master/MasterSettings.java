package dev.pacha.master;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to run the embedded master.
 *
 * @param hostsPath the directory holding one directory per host (created when missing)
 * @param bind the address to listen on (0.0.0.0 for all)
 * @param port the TCP port; 0 picks a free one
 * @param adminKeys an authorized_keys file whose keys see every host's directory
 * @param hostKey where the master's own SSH key lives (default {@code
 *     <hostsPath>/.pacha-master/host_key}); made on first start, kept afterwards
 * @param stopGrace how long a stop waits for connected hosts to finish before cutting them off
 * @param verbose whether MINA SSHD's own log lines go to stderr
 * @param limits what keeps the master up under a flood of connections
 */
public record MasterSettings(
    Path hostsPath,
    String bind,
    int port,
    Optional<Path> adminKeys,
    Optional<Path> hostKey,
    Duration stopGrace,
    boolean verbose,
    Limits limits) {

  /** The default stop grace: long enough for a push to finish, short of systemd's 90 s. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

  /**
   * Bounds on what connections may hold, as OpenSSH's sshd_config has them.
   *
   * @param maxStartups connections that have not logged in yet, in all (OpenSSH's MaxStartups)
   * @param maxStartupsPerSource of those, from one address (OpenSSH's PerSourceMaxStartups)
   * @param loginGraceTime how long a connection may take to log in (LoginGraceTime)
   * @param idleTimeout how long a logged-in connection may stay silent (keepalives count)
   * @param maxSessions connections logged in at once under one host's name (or one admin name)
   */
  public record Limits(
      int maxStartups,
      int maxStartupsPerSource,
      Duration loginGraceTime,
      Duration idleTimeout,
      int maxSessions) {

    /**
     * OpenSSH's MaxStartups full drop (100) and LoginGraceTime halved; 20 per address leaves room
     * for a fleet behind one NAT address that pushes at the same minute. A push uses up to three
     * connections, so 10 per host covers a push daemon, a push by hand and a rebuild at once.
     */
    public static final Limits DEFAULTS =
        new Limits(100, 20, Duration.ofSeconds(60), Duration.ofMinutes(10), 10);
  }

  /** Settings with the defaults for everything but the hosts path, address and port. */
  public static MasterSettings of(Path hostsPath, String bind, int port) {
    return new MasterSettings(
        hostsPath,
        bind,
        port,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_STOP_GRACE,
        false,
        Limits.DEFAULTS);
  }

  public MasterSettings withAdminKeys(Path file) {
    return new MasterSettings(
        hostsPath, bind, port, Optional.of(file), hostKey, stopGrace, verbose, limits);
  }

  public MasterSettings withHostKey(Path file) {
    return new MasterSettings(
        hostsPath, bind, port, adminKeys, Optional.of(file), stopGrace, verbose, limits);
  }

  public MasterSettings withStopGrace(Duration grace) {
    return new MasterSettings(hostsPath, bind, port, adminKeys, hostKey, grace, verbose, limits);
  }

  public MasterSettings withLimits(Limits newLimits) {
    return new MasterSettings(
        hostsPath, bind, port, adminKeys, hostKey, stopGrace, verbose, newLimits);
  }

  /** The host key file in effect. */
  public Path hostKeyFile() {
    return hostKey.orElseGet(() -> MasterKeys.stateDir(hostsPath).resolve("host_key"));
  }
}
