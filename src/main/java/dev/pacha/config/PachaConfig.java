package dev.pacha.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The parsed configuration, every key resolved to its value or default. Built only by {@link
 * ConfigLoader}.
 *
 * @param source the file it was read from
 * @param frequency seconds between pushes (pacha.frequency; under 10 falls back to 60)
 * @param master whether this machine is a master (pacha.master)
 * @param masterHost pacha.host, possibly empty
 * @param sshPort pacha.ssh.port
 * @param sshUser pacha.ssh.user, possibly empty (then the current user)
 * @param hostsPath pacha.hosts.path
 * @param hostname pacha.hostname when set
 * @param sshIdentity pacha.ssh.identity when set (else ~/.ssh/id_ed25519, then id_rsa)
 * @param knownHosts pacha.ssh.known_hosts
 * @param hostKeyChecking pacha.ssh.host_key_checking
 * @param sshClient pacha.ssh.client, pacha.ssh.config, and which SSH settings were set (the OpenSSH
 *     client passes only those to ssh)
 * @param masterLocation pacha.master.url, or built from the seed keys; empty when neither names a
 *     master
 * @param s3 the pacha.s3.* keys, used when the master is an s3:// URL
 * @param aws the pacha.aws.* keys: SSM, Secrets Manager and EC2 (first-boot secrets, pacha aws)
 * @param stateDir pacha.state.dir
 * @param stagingDir pacha.rebuild.staging
 * @param backupsDir pacha.rebuild.backups
 * @param missingOwner pacha.rebuild.missing_owner
 * @param hooksTimeout pacha.hooks.timeout
 * @param log the pacha.log.* keys
 * @param boot the pacha.boot.* keys (the first-boot runner)
 * @param serve the pacha.serve.* keys (pacha master serve, on a master)
 * @param warnings things worth telling the operator that do not stop the run
 */
public record PachaConfig(
    Path source,
    int frequency,
    boolean master,
    String masterHost,
    int sshPort,
    String sshUser,
    String hostsPath,
    Optional<String> hostname,
    Optional<Path> sshIdentity,
    Path knownHosts,
    HostKeyChecking hostKeyChecking,
    SshClientSettings sshClient,
    Optional<MasterLocation> masterLocation,
    S3Settings s3,
    AwsSettings aws,
    Path stateDir,
    Path stagingDir,
    Path backupsDir,
    MissingOwner missingOwner,
    Duration hooksTimeout,
    LogSettings log,
    BootSettings boot,
    ServeSettings serve,
    List<String> warnings) {

  /** pacha.log.*: kept with the original's meaning; used by the push daemon. */
  public record LogSettings(
      boolean enable, Path path, String level, String format, String dateFormat) {}

  /**
   * pacha.boot.*: how the first-boot runner behaves.
   *
   * @param secrets where to fetch the key for the master at boot ("ssm:/pacha/bar"), if anywhere
   * @param deadline how long to keep retrying an unreachable master
   * @param failOnError true for pacha.boot.on_failure = fail (the unit fails), false for degrade
   */
  public record BootSettings(Optional<String> secrets, Duration deadline, boolean failOnError) {}

  /**
   * pacha.serve.*: how `pacha master serve` runs when this config says pacha.master = True (the
   * embedded master's config file, /etc/pacha/master.conf). Each is empty when not set; the
   * command's options win over them, and the master's own defaults fill the rest.
   *
   * @param port pacha.serve.port
   * @param bind pacha.serve.bind
   * @param adminKeys pacha.serve.admin_keys
   * @param hostKey pacha.serve.host_key
   * @param maxStartups pacha.serve.max_startups: connections not logged in yet, in all
   * @param maxStartupsPerSource pacha.serve.max_startups_per_source: the same, per address
   * @param loginGraceTime pacha.serve.login_grace_time
   * @param idleTimeout pacha.serve.idle_timeout
   * @param maxSessions pacha.serve.max_sessions: logged-in connections per host name
   */
  public record ServeSettings(
      Optional<Integer> port,
      Optional<String> bind,
      Optional<Path> adminKeys,
      Optional<Path> hostKey,
      Optional<Integer> maxStartups,
      Optional<Integer> maxStartupsPerSource,
      Optional<Duration> loginGraceTime,
      Optional<Duration> idleTimeout,
      Optional<Integer> maxSessions) {}

  /** The master, or a config error telling the operator which key to set. */
  public MasterLocation requireMaster() {
    return masterLocation.orElseThrow(
        () ->
            new ConfigException(
                "pacha.host is empty in "
                    + source
                    + ": set pacha.host to the master's name or address (or pacha.master.url)"));
  }
}
