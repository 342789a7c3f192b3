package dev.pacha.hooks;

import dev.pacha.Reporter;
import dev.pacha.posix.ChildEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a phase's hook scripts: alphabetical (byte) order, dot-files skipped, each made executable
 * first and run through its shebang, with a timeout and PACHA_* variables in its environment.
 */
public final class HookRunner {
  /** How much of a hook's output is kept in the report. */
  static final int KEEP_OUTPUT = 64 * 1024;

  private final Duration timeout;
  private final Map<String, String> env;
  private final Path workDir;
  private final Reporter reporter;

  /**
   * @param timeout per hook
   * @param env extra environment (PACHA_HOST, PACHA_STAGING_DIR, ...); PACHA_PHASE is added
   * @param workDir the scripts' working directory
   */
  public HookRunner(Duration timeout, Map<String, String> env, Path workDir, Reporter reporter) {
    this.timeout = timeout;
    this.env = env;
    this.workDir = workDir;
    this.reporter = reporter;
  }

  /** The scripts of a directory in the order they run: by name, compared as bytes. */
  public static List<Path> ordered(Path dir) throws IOException {
    List<Path> scripts = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return scripts;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          scripts.add(p);
        }
      }
    }
    scripts.sort((a, b) -> compareBytes(a.getFileName().toString(), b.getFileName().toString()));
    return scripts;
  }

  static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs scripts in order.
   *
   * @param stopOnFailure true for pre-hooks (a failure stops the rebuild), false for post-hooks
   *     (all run, failures are reported)
   */
  public List<HookResult> run(String phase, List<Path> scripts, boolean stopOnFailure) {
    List<HookResult> results = new ArrayList<>();
    for (Path script : scripts) {
      HookResult r = runOne(phase, script);
      results.add(r);
      if (!r.ok() && stopOnFailure) {
        break;
      }
    }
    return results;
  }

  private HookResult runOne(String phase, Path script) {
    String name = script.getFileName().toString();
    reporter.step("Running " + phase + "-hook " + name);
    long start = System.nanoTime();
    try {
      // The original made every hook executable before running it; so do we.
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      return new HookResult(
          phase, name, -1, 0, false, "cannot make it executable: " + e.getMessage());
    }
    ProcessBuilder pb = new ProcessBuilder(script.toAbsolutePath().toString());
    pb.directory(workDir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // The caller's locale, not the C.UTF-8 the launcher gives the JVM.
    ChildEnvironment.restore(pb.environment());
    pb.environment().putAll(env);
    pb.environment().put("PACHA_PHASE", phase);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      String why = e.getMessage();
      String hint =
          why != null && why.contains("error=2") ? " (is its interpreter installed?)" : "";
      reporter.warn(phase + "-hook " + name + " could not start: " + why + hint);
      return new HookResult(
          phase, name, -1, elapsed(start), false, "could not start: " + why + hint);
    }
    StringBuilder output = new StringBuilder();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  reporter.step("  [" + name + "] " + line);
                  synchronized (output) {
                    output.append(line).append('\n');
                    if (output.length() > KEEP_OUTPUT) {
                      output.delete(0, output.length() - KEEP_OUTPUT);
                    }
                  }
                }
              } catch (IOException e) {
                // The process went away; what was read is kept.
              }
            },
            "hook-output-" + name);
    pump.setDaemon(true);
    pump.start();
    boolean timedOut = false;
    int code;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = true;
        stop(process);
      }
      code = timedOut ? -1 : process.exitValue();
      pump.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      code = -1;
    }
    long millis = elapsed(start);
    String out;
    synchronized (output) {
      out = output.toString();
    }
    if (timedOut) {
      reporter.warn(
          phase + "-hook " + name + " ran past " + timeout.toSeconds() + " s and was stopped");
    } else if (code != 0) {
      reporter.warn(phase + "-hook " + name + " exited with " + code);
    }
    return new HookResult(phase, name, code, millis, timedOut, out);
  }

  /** Stops a hook and whatever it started: TERM first, KILL after a grace period. */
  private static void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  private static long elapsed(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
