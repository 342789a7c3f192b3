package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.daemon.KeptConnection;
import dev.pacha.daemon.PushChannel;
import dev.pacha.daemon.PushDaemon;
import dev.pacha.daemon.PushService;
import dev.pacha.transport.LocalUser;
import java.io.IOException;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha daemon start|stop|status|run-once|foreground: the periodic push. */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "The push daemon: pushes changed tracked paths every pacha.frequency seconds.",
      "  start       start it in the background (pid file in the state dir)",
      "  stop        stop it (it finishes the push under way)",
      "  status      exit 0 when it runs, 1 when not",
      "  run-once    push once if anything changed (for cron)",
      "  foreground  run it in the foreground (for systemd)"
    })
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ACTION", description = "start, stop, status, run-once or foreground")
  String action;

  @Override
  public Integer call() {
    return run(spec, action);
  }

  static int run(CommandSpec spec, String action) {
    return switch (action) {
      case "start" -> start(spec);
      case "stop" -> stop(spec);
      case "status" -> status(spec);
      case "run-once" -> runOnce(spec);
      case "foreground" -> foreground(spec);
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "unknown daemon action '"
                  + action
                  + "'; use start, stop, status, run-once or foreground");
    };
  }

  private static Path pidFile(PachaConfig config) {
    return config.stateDir().resolve("daemon.pid");
  }

  /** The live daemon's pid, if one runs. */
  private static Optional<ProcessHandle> running(PachaConfig config) {
    Path pid = pidFile(config);
    try {
      long n = Long.parseLong(Files.readString(pid, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(n).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static PushDaemon daemon(CommandSpec spec, PachaConfig config, Reporter reporter) {
    return daemon(
        new PushService(config, Cli.context(spec).sshUser(true), reporter), config, reporter);
  }

  private static PushDaemon daemon(PushService pushes, PachaConfig config, Reporter reporter) {
    return new PushDaemon(pushes, Duration.ofSeconds(config.frequency()), reporter);
  }

  private static Reporter reporter(CommandSpec spec, PachaConfig config) {
    Cli.Context ctx = Cli.context(spec);
    return LogFileReporter.wrap(
        new ConsoleReporter(ctx, false, Cli.root(spec).global.verbose), config.log());
  }

  private static int runOnce(CommandSpec spec) {
    PachaConfig config = Cli.config(spec);
    Reporter reporter = reporter(spec, config);
    if (!daemon(spec, config, reporter).runOnce()) {
      throw PachaException.unreachable(
          "the push did not complete; it is retried on the next run", null);
    }
    return ExitCodes.OK;
  }

  private static int foreground(CommandSpec spec) {
    PachaConfig config = Cli.config(spec);
    Optional<ProcessHandle> other = running(config);
    if (other.isPresent() && other.get().pid() != ProcessHandle.current().pid()) {
      throw new PachaException(
          PachaException.Kind.LOCKED,
          "a push daemon already runs (pid "
              + other.get().pid()
              + "); stop it with: pacha daemon stop");
    }
    Path pid = pidFile(config);
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
    Reporter reporter = reporter(spec, config);
    // Nobody answers a prompt in the daemon: ssh runs in batch mode.
    LocalUser user = Cli.context(spec).sshUser(true);
    // One connection to the master, kept between the daemon's pushes and those it serves.
    KeptConnection kept = PushService.keptConnection(config, user);
    PushDaemon daemon = daemon(new PushService(config, user, reporter, kept), config, reporter);
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
    return ExitCodes.OK;
  }

  private static int start(CommandSpec spec) {
    PachaConfig config = Cli.config(spec);
    Cli.Context ctx = Cli.context(spec);
    Optional<ProcessHandle> other = running(config);
    if (other.isPresent()) {
      ctx.out().println("The push daemon already runs (pid " + other.get().pid() + ")");
      return ExitCodes.OK;
    }
    Path log = config.stateDir().resolve("daemon.out");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // out of the caller's session: a closed terminal does not stop it
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    // The launcher's JVM options (heap cap, JIT, class-data sharing) hold for the daemon too.
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.pacha.Main");
    cmd.add("--config");
    cmd.add(config.source().toString());
    cmd.add("daemon");
    cmd.add("foreground");
    try {
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Optional<ProcessHandle> up = running(config);
        if (up.isPresent()) {
          ctx.out().println("Started the push daemon (pid " + up.get().pid() + "); output: " + log);
          return ExitCodes.OK;
        }
        if (!p.isAlive() && !setsidStillStarting(p)) {
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

  /** setsid may fork and exit at once while its child starts; the pid file tells. */
  private static boolean setsidStillStarting(Process p) {
    return p.exitValue() == 0;
  }

  private static int stop(CommandSpec spec) {
    PachaConfig config = Cli.config(spec);
    Cli.Context ctx = Cli.context(spec);
    Optional<ProcessHandle> other = running(config);
    if (other.isEmpty()) {
      ctx.out().println("The push daemon is not running");
      return ExitCodes.OK;
    }
    other.get().destroy();
    try {
      other.get().onExit().get(70, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw PachaException.failed(
          "the push daemon (pid " + other.get().pid() + ") did not stop within 70 s", null);
    }
    ctx.out().println("Stopped the push daemon (pid " + other.get().pid() + ")");
    return ExitCodes.OK;
  }

  private static int status(CommandSpec spec) {
    PachaConfig config = Cli.config(spec);
    Cli.Context ctx = Cli.context(spec);
    Optional<ProcessHandle> other = running(config);
    if (other.isPresent()) {
      ctx.out().println("The push daemon runs (pid " + other.get().pid() + ")");
      return ExitCodes.OK;
    }
    ctx.out().println("The push daemon is not running");
    return ExitCodes.FAILED;
  }
}
