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
 */
public record MasterSettings(
    Path hostsPath,
    String bind,
    int port,
    Optional<Path> adminKeys,
    Optional<Path> hostKey,
    Duration stopGrace,
    boolean verbose) {

  /** The default stop grace: long enough for a push to finish, short of systemd's 90 s. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

  /** Settings with the defaults for everything but the hosts path, address and port. */
  public static MasterSettings of(Path hostsPath, String bind, int port) {
    return new MasterSettings(
        hostsPath, bind, port, Optional.empty(), Optional.empty(), DEFAULT_STOP_GRACE, false);
  }

  public MasterSettings withAdminKeys(Path file) {
    return new MasterSettings(
        hostsPath, bind, port, Optional.of(file), hostKey, stopGrace, verbose);
  }

  public MasterSettings withHostKey(Path file) {
    return new MasterSettings(
        hostsPath, bind, port, adminKeys, Optional.of(file), stopGrace, verbose);
  }

  public MasterSettings withStopGrace(Duration grace) {
    return new MasterSettings(hostsPath, bind, port, adminKeys, hostKey, grace, verbose);
  }

  /** The host key file in effect. */
  public Path hostKeyFile() {
    return hostKey.orElseGet(() -> MasterKeys.stateDir(hostsPath).resolve("host_key"));
  }
}
