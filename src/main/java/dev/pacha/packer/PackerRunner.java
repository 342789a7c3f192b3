package dev.pacha.packer;

import dev.pacha.PachaException;
import dev.pacha.posix.ChildEnvironment;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the packer binary once: its -machine-readable output becomes events as it arrives; a
 * cancellation or a passed deadline stops it the way a terminal's Ctrl-C would (packer cancels its
 * builds and cleans up), and whatever is left of its process tree after the grace period is killed.
 */
final class PackerRunner {
  /** How much of packer's stderr is kept for error messages. */
  static final int STDERR_LINES = 20;

  private static final long POLL_MILLIS = 100;

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Map<String, String> env;

  /**
   * @param env the environment packer runs with (all of it: AWS credentials, PATH, HOME, ...)
   */
  PackerRunner(Map<String, String> env) {
    this.env = env;
  }

  /** How a run ended. */
  enum Ending {
    EXITED,
    CANCELLED,
    TIMED_OUT
  }

  /**
   * @param exitCode packer's exit status (-1 when it never started or would not end)
   * @param ending whether it ended by itself or was stopped
   * @param stderr the last lines packer wrote to stderr
   */
  record Run(int exitCode, Ending ending, List<String> stderr) {}

  /**
   * Runs a packer command line to its end.
   *
   * @param deadline the System.nanoTime() after which packer is stopped (far ahead for none)
   * @param events gets every stdout line as an event, on a reader thread, in order
   * @param stderrLines gets every stderr line, on another reader thread
   */
  Run run(
      List<String> command,
      Cancellation cancel,
      long deadline,
      Duration grace,
      Consumer<PackerEvent> events,
      Consumer<String> stderrLines) {
    if (cancel.isCancelled()) {
      return new Run(-1, Ending.CANCELLED, List.of());
    }
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // A session of its own: what packer starts stays findable (see ProcessTree), and a
      // terminal's Ctrl-C reaches only pacha, which stops packer in order.
      argv.add(SETSID.toString());
      argv.add("--wait");
    }
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    // The caller's locale, not the C.UTF-8 the launcher gives the JVM.
    ChildEnvironment.restore(pb.environment());
    // No update check against HashiCorp's servers from an unattended tool.
    pb.environment().putIfAbsent("CHECKPOINT_DISABLE", "1");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new PachaException(
          PachaException.Kind.TOOL_MISSING,
          "cannot run " + command.get(0) + ": " + e.getMessage(),
          e);
    }
    Deque<String> stderr = new ArrayDeque<>();
    Thread out =
        pump(
            process.getInputStream(),
            line -> events.accept(MachineReadable.parse(line)),
            "packer-stdout");
    Thread err =
        pump(
            process.getErrorStream(),
            line -> {
              synchronized (stderr) {
                stderr.addLast(line);
                if (stderr.size() > STDERR_LINES) {
                  stderr.removeFirst();
                }
              }
              stderrLines.accept(line);
            },
            "packer-stderr");
    ProcessTree tree = new ProcessTree(process);
    Ending ending = Ending.EXITED;
    boolean interrupted = false;
    long nextLook = System.nanoTime();
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (cancel.isCancelled()) {
          ending = Ending.CANCELLED;
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          ending = Ending.TIMED_OUT;
          break;
        }
        if (System.nanoTime() - nextLook > 0) {
          tree.look();
          nextLook = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
      ending = Ending.CANCELLED;
    }
    if (ending != Ending.EXITED) {
      interrupted |= stop(process, grace, tree);
    } else if (cancel.isCancelled()) {
      // Stopped as it ended by itself: what it left behind goes too.
      tree.sweep();
    }
    join(out);
    join(err);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    int code = process.isAlive() ? -1 : process.exitValue();
    synchronized (stderr) {
      return new Run(code, ending, List.copyOf(stderr));
    }
  }

  /**
   * Asks packer to stop as Ctrl-C would, gives it the grace period to clean up (terminate a build
   * instance, delete temporary keys), then ends what is left of its tree. SIGTERM, not SIGINT:
   * packer's wrapper process forwards only SIGTERM to the real packer, which treats both alike.
   *
   * @return whether the waiting was interrupted
   */
  static boolean stop(Process process, Duration grace, ProcessTree tree) {
    tree.look();
    process.destroy();
    long until = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    // The real packer's exit ends its clean-up; the wrapper may linger only because a leftover
    // (a provisioner's script) holds its output open.
    while (process.isAlive() && !tree.onlyWrapperLeft() && System.nanoTime() - until < 0) {
      tree.look();
      try {
        process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // Another interrupt ends the wait, not the clean-up of what is left.
        interrupted = true;
        break;
      }
    }
    tree.sweep();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    return interrupted;
  }

  private static Thread pump(InputStream in, Consumer<String> lines, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // The process went away; what was read has been passed on.
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void join(Thread t) {
    try {
      // A leftover grandchild holding the pipe must not hang us: the tree was swept already.
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
