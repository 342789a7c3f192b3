package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.hooks.HookResult;
import dev.pacha.json.Json;
import dev.pacha.track.StateDir;
import dev.pacha.transport.LocalUser;
import dev.pacha.transport.PrivateKeys;
import dev.pacha.transport.SecretProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The first-boot runner behind pacha-rebuild.service: once per instance, fetch the key if it is
 * kept in a secret store, rebuild the configured host unattended (waiting for the master with
 * backoff up to a deadline), leave a status file, and start the push daemon on success.
 */
public final class FirstBootService {
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofSeconds(60);

  /** Places cloud-init and systemd keep an instance's identity, in the order they are asked. */
  static final List<Path> INSTANCE_ID_FILES =
      List.of(
          Path.of("/var/lib/cloud/data/instance-id"),
          Path.of("/run/cloud-init/.instance-id"),
          Path.of("/etc/machine-id"));

  /**
   * How to run.
   *
   * @param statusFile where the status goes (/var/lib/pacha/rebuild-status.json)
   * @param instanceId this instance's id; empty to read it from cloud-init or machine-id
   * @param startDaemon enable and start pacha-daemon.service on success (systemd only)
   * @param targetRoot where files are placed ("/" on a real instance)
   */
  public record Request(
      Path statusFile, Optional<String> instanceId, boolean startDaemon, Path targetRoot) {}

  /**
   * The status file's content.
   *
   * @param result "success", "failed" or "skipped" (already rebuilt on this instance)
   * @param exitCode what the rebuild exited with (0 on success)
   */
  public record Status(
      String instanceId,
      String host,
      String result,
      int exitCode,
      String error,
      String snapshot,
      int attempts,
      long durationMillis,
      String finished,
      int placedEntries,
      long placedFiles,
      List<HookResult> hooks,
      String report) {
    public boolean ok() {
      return !"failed".equals(result);
    }
  }

  private final PachaConfig config;
  private final LocalUser user;
  private final Reporter reporter;
  private final Sleeper sleeper;

  /** Waits between attempts (tests pass a fast one). */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  public FirstBootService(PachaConfig config, LocalUser user, Reporter reporter, Sleeper sleeper) {
    this.config = config;
    this.user = user;
    this.reporter = reporter;
    this.sleeper = sleeper;
  }

  /** Runs the first boot; the returned status is also written to the status file. */
  public Status run(Request req, java.util.function.ToIntFunction<PachaException.Kind> exitCodes) {
    long start = System.nanoTime();
    String instance = req.instanceId().orElseGet(FirstBootService::instanceId);
    String host =
        config
            .hostname()
            .orElseThrow(
                () ->
                    PachaException.usage(
                        "pacha.hostname is not set in "
                            + config.source()
                            + "; the first-boot runner needs the name of the host to rebuild"));
    Optional<Status> previous = read(req.statusFile());
    if (previous.isPresent()
        && instance.equals(previous.get().instanceId())
        && !"failed".equals(previous.get().result())) {
      reporter.step(
          "Host "
              + host
              + " was already rebuilt on this instance ("
              + instance
              + "); nothing to do");
      return new Status(
          instance,
          host,
          "skipped",
          0,
          null,
          previous.get().snapshot(),
          0,
          0,
          Instant.now().toString(),
          0,
          0,
          List.of(),
          previous.get().report());
    }
    int attempts = 0;
    Status status;
    try {
      Instant deadline = Instant.now().plus(config.boot().deadline());
      Duration wait = FIRST_RETRY;
      // Early in a boot the instance role's credentials (from the metadata service) or the
      // secret store may not answer yet, just like the master: both are retried to the deadline.
      boolean keyFetched = false;
      if (config.boot().secrets().isEmpty()) {
        refusePassphraseKey();
      }
      while (true) {
        attempts++;
        try {
          if (!keyFetched) {
            fetchSecrets();
            keyFetched = true;
          }
          RebuildReport r =
              new RebuildService(config, user, reporter)
                  .rebuild(
                      new RebuildRequest(
                          host, Optional.empty(), Optional.empty(), false, req.targetRoot()));
          status = status(instance, host, "success", 0, null, attempts, start, r);
          break;
        } catch (PachaException e) {
          // Up to the deadline: the last wait is cut to end at it, and one more attempt follows,
          // so how long an attempt took (a loaded machine, a slow metadata service) never costs
          // the retry the deadline still had room for.
          Duration left = Duration.between(Instant.now(), deadline);
          boolean retry = e.kind() == PachaException.Kind.UNREACHABLE && !left.isNegative();
          if (!retry) {
            throw e;
          }
          if (left.compareTo(wait) < 0) {
            wait = left.plusMillis(1);
          }
          reporter.warn(
              (keyFetched
                      ? "the master is not reachable yet"
                      : "the key for the master cannot be fetched yet")
                  + " (attempt "
                  + attempts
                  + "): "
                  + e.getMessage()
                  + "; retrying in "
                  + Math.max(1, wait.toSeconds())
                  + " s");
          sleeper.sleep(wait);
          wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
      }
    } catch (PachaException e) {
      RebuildReport r = e instanceof RebuildFailedException f ? f.report() : null;
      status =
          status(
              instance,
              host,
              "failed",
              exitCodes.applyAsInt(e.kind()),
              e.getMessage(),
              attempts,
              start,
              r);
      write(req.statusFile(), status);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status =
          status(
              instance,
              host,
              "failed",
              1,
              "interrupted while waiting for the master",
              attempts,
              start,
              null);
      write(req.statusFile(), status);
      throw PachaException.failed("interrupted while waiting for the master", e);
    }
    write(req.statusFile(), status);
    if (req.startDaemon()) {
      startDaemon();
    }
    return status;
  }

  private static Status status(
      String instance,
      String host,
      String result,
      int code,
      String error,
      int attempts,
      long start,
      RebuildReport r) {
    return new Status(
        instance,
        host,
        result,
        code,
        error,
        r == null ? null : r.snapshot(),
        attempts,
        (System.nanoTime() - start) / 1_000_000,
        Instant.now().toString(),
        r == null ? 0 : r.placed().stream().mapToInt(RebuildReport.Placed::entries).sum(),
        r == null ? 0 : r.placed().stream().mapToLong(RebuildReport.Placed::files).sum(),
        r == null ? List.of() : r.hooks(),
        r == null ? null : r.reportFile());
  }

  /**
   * A key in the image or user-data that needs a passphrase would fail every attempt until the
   * deadline, since nobody can type it at first boot: refused at once, with why.
   */
  private void refusePassphraseKey() {
    Optional<Path> identity = config.sshIdentity();
    if (identity.isEmpty() || !Files.isRegularFile(identity.get())) {
      return;
    }
    byte[] key;
    try {
      key = Files.readAllBytes(identity.get());
    } catch (IOException e) {
      return; // the connection says what is wrong with it
    }
    boolean locked = PrivateKeys.passphraseProtected(key);
    Arrays.fill(key, (byte) 0);
    if (locked) {
      throw PachaException.usage(
          "pacha.ssh.identity = "
              + identity.get()
              + " is protected by a passphrase, and nobody can type it at first boot; give the"
              + " host a key without one (ssh-keygen -p -N '' -f KEY)");
    }
  }

  /** Fetches the key for the master from pacha.boot.secrets, if set, and writes it 0600. */
  private void fetchSecrets() {
    Optional<String> where = config.boot().secrets();
    if (where.isEmpty()) {
      return;
    }
    String scheme = where.get().substring(0, where.get().indexOf(':'));
    Path identity =
        config
            .sshIdentity()
            .orElseThrow(
                () ->
                    PachaException.usage(
                        "pacha.boot.secrets needs pacha.ssh.identity: where to write the key"));
    SecretProvider provider =
        ServiceLoader.load(SecretProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.scheme().equals(scheme))
            .findFirst()
            .orElseThrow(
                () ->
                    PachaException.failed(
                        "cannot fetch the key from "
                            + where.get()
                            + ": this pacha has no "
                            + scheme
                            + " support; bake the key into the image or render user-data with --identity",
                        null));
    String name = secretName(where.get());
    byte[] key;
    try {
      key = provider.fetch(name, config);
    } catch (IOException e) {
      throw PachaException.unreachable(
          "cannot fetch the key from " + scheme + ":" + name + ": " + e.getMessage(), e);
    }
    PrivateKeys.problem(key)
        .ifPresent(
            why -> {
              throw PachaException.failed(
                  "the value of "
                      + scheme
                      + ":"
                      + name
                      + " "
                      + why
                      + "; store the key there with `pacha aws put-secrets`",
                  null);
            });
    if (key.length > 0 && key[key.length - 1] != '\n') {
      // A parameter's value may lose the final newline, without which OpenSSH refuses a key.
      byte[] unterminated = key;
      key = Arrays.copyOf(key, key.length + 1);
      key[key.length - 1] = '\n';
      Arrays.fill(unterminated, (byte) 0);
    }
    try {
      Files.createDirectories(identity.toAbsolutePath().getParent());
      Path tmp = identity.resolveSibling(identity.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      // 0600 from creation on: the key is never readable by others, not even for a moment.
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer buf = ByteBuffer.wrap(key);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(
          tmp, identity, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw PachaException.failed("cannot write the key to " + identity + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    reporter.step("Fetched the key for the master from " + scheme + ":" + name);
  }

  /**
   * The secret that holds the key: {@code ssm:/pacha/bar} names a parameter prefix (the key is
   * {@code /pacha/bar/identity}, as {@code pacha aws put-secrets} stores it); {@code
   * secretsmanager:NAME} names the secret itself.
   */
  public static String secretName(String secrets) {
    int colon = secrets.indexOf(':');
    String scheme = secrets.substring(0, colon);
    String rest = secrets.substring(colon + 1);
    if (!scheme.equals("ssm")) {
      return rest;
    }
    return (rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest) + "/identity";
  }

  private void startDaemon() {
    if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
      reporter.step("No systemd here: start the push daemon with `pacha daemon start`");
      return;
    }
    try {
      Process p =
          new ProcessBuilder("systemctl", "enable", "--now", "--no-block", "pacha-daemon.service")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        reporter.warn("could not start pacha-daemon.service: " + out);
      } else {
        reporter.step("Enabled and started pacha-daemon.service");
      }
    } catch (IOException e) {
      reporter.warn("could not start pacha-daemon.service: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String instanceId() {
    for (Path p : INSTANCE_ID_FILES) {
      try {
        String id = Files.readString(p, StandardCharsets.UTF_8).trim();
        if (!id.isEmpty()) {
          return id;
        }
      } catch (IOException e) {
        // Try the next place.
      }
    }
    return "unknown";
  }

  private static Optional<Status> read(Path file) {
    try {
      return Optional.of(Json.read(Files.readAllBytes(file), Status.class));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void write(Path file, Status status) {
    new StateDir(file.toAbsolutePath().getParent()).write(file, Json.bytes(status));
  }
}
