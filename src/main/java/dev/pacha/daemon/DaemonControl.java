package dev.pacha.daemon;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.transport.LocalUser;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The push daemon as a process: its pid file in the state dir, starting it in the background (a new
 * session, the launcher's JVM options), stopping it (it finishes the push under way), and running
 * it in the foreground with a shutdown hook, the kept connection and the channel `pacha push` uses.
 */
public final class DaemonControl {
  /** How long a stopped daemon may take to finish its push. */
  static final Duration STOP_WAIT = Duration.ofSeconds(70);

  private final PachaConfig config;
  private final LocalUser user;

  public DaemonControl(PachaConfig config, LocalUser user) {
    this.config = config;
    this.user = user;
  }

  Path pidFile() {
    return config.stateDir().resolve("daemon.pid");
  }

  /** Where a daemon started in the background writes its output. */
  public Path logFile() {
    return config.stateDir().resolve("daemon.out");
  }

  /** The live daemon, if one runs. */
  public Optional<ProcessHandle> running() {
    try {
      long n = Long.parseLong(Files.readString(pidFile(), StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(n).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * What {@link #start} found or did.
   *
   * @param already true when a daemon was running already (nothing was started)
   */
  public record Started(long pid, boolean already) {}

  /**
   * Starts the daemon in the background, out of the caller's session (a closed terminal does not
   * stop it), with this JVM's options (heap cap, JIT, class-data sharing), and waits until it has
   * written its pid file.
   *
   * @param mainAndArgs the main class and its arguments, which run the daemon in the foreground
   */
  public Started start(List<String> mainAndArgs) {
    Optional<ProcessHandle> other = running();
    if (other.isPresent()) {
      return new Started(other.get().pid(), true);
    }
    Path log = logFile();
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(mainAndArgs);
    try {
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Optional<ProcessHandle> up = running();
        if (up.isPresent()) {
          return new Started(up.get().pid(), false);
        }
        // setsid may fork and exit at once (0) while its child starts; the pid file tells.
        if (!p.isAlive() && p.exitValue() != 0) {
          break;
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot start the push daemon: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw PachaException.failed("the push daemon did not start; see " + log, null);
  }

  /**
   * Stops the daemon and waits for it to end.
   *
   * @return the pid it had, or empty when none ran
   */
  public Optional<Long> stop() {
    Optional<ProcessHandle> other = running();
    if (other.isEmpty()) {
      return Optional.empty();
    }
    other.get().destroy();
    try {
      other.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw PachaException.failed(
          "the push daemon (pid "
              + other.get().pid()
              + ") did not stop within "
              + STOP_WAIT.toSeconds()
              + " s",
          null);
    }
    return Optional.of(other.get().pid());
  }

  /** One round: push if anything changed (cron's way). */
  public boolean runOnce(Reporter reporter) {
    return daemon(new PushService(config, user, reporter), reporter).runOnce();
  }

  private PushDaemon daemon(PushService pushes, Reporter reporter) {
    return new PushDaemon(pushes, Duration.ofSeconds(config.frequency()), reporter);
  }

  /**
   * Runs the daemon in this process until it is stopped (SIGTERM): writes the pid file, keeps one
   * connection to the master between pushes, serves `pacha push` on this host, and lets the push
   * under way finish when stopped.
   */
  public void runForeground(Reporter reporter) {
    Optional<ProcessHandle> other = running();
    if (other.isPresent() && other.get().pid() != ProcessHandle.current().pid()) {
      throw new PachaException(
          PachaException.Kind.LOCKED,
          "a push daemon already runs (pid "
              + other.get().pid()
              + "); stop it with: pacha daemon stop");
    }
    Path pid = pidFile();
    try {
      Files.createDirectories(pid.getParent());
      Files.writeString(pid, ProcessHandle.current().pid() + "\n");
    } catch (IOException e) {
      throw PachaException.failed("cannot write the pid file " + pid + ": " + e.getMessage(), e);
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                // Let the push under way finish; a push never leaves a half-written snapshot.
                done.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pacha-daemon-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    // One connection to the master, kept between the daemon's pushes and those it serves.
    KeptConnection kept = PushService.keptConnection(config, user);
    PushDaemon daemon = daemon(new PushService(config, user, reporter, kept), reporter);
    PushChannel.Server requests;
    try {
      // `pacha push` on this host is served here while the daemon runs (PushChannel).
      requests =
          PushChannel.Server.start(
              config.stateDir(),
              to -> daemon.pushNow(new PushService(config, user, to, kept)),
              reporter);
    } catch (IOException e) {
      requests = null;
      reporter.warn(
          "cannot listen for `pacha push` on "
              + PushChannel.socket(config.stateDir())
              + " ("
              + e.getMessage()
              + "); pacha push will push by itself");
    }
    try {
      daemon.run(stop::get);
    } finally {
      kept.close();
      if (requests != null) {
        try {
          requests.close();
        } catch (IOException e) {
          // A stale socket is seen as such and replaced.
        }
      }
      try {
        Files.deleteIfExists(pid);
      } catch (IOException e) {
        // A stale pid file names a dead process; start and status see through it.
      }
      done.countDown();
    }
  }
}
