package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Running the real tools these tests are judged by, and what they need. */
final class PosixTesting {
  private PosixTesting() {}

  static boolean ci() {
    return "true".equals(System.getenv("CI"));
  }

  /** These tests run as root (as CI does); elsewhere they are skipped, under CI they fail. */
  static void requireRoot() {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root && ci()) {
      fail("these tests must run as root under CI");
    }
    Assumptions.assumeTrue(root, "needs root");
  }

  /** The tools must be on the PATH: skipped without them, except under CI, where that fails. */
  static void requireTools(String... tools) {
    for (String tool : tools) {
      boolean found = false;
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        if (Files.isExecutable(Path.of(dir, tool))) {
          found = true;
          break;
        }
      }
      if (!found && ci()) {
        fail(tool + " is missing (scripts/test installs acl, attr and libcap2-bin)");
      }
      Assumptions.assumeTrue(found, tool + " is missing");
    }
  }

  record Result(int code, String output) {}

  /** Runs a command in dir; fails the test unless it exits 0; returns its stdout's bytes. */
  static byte[] run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + List.of(cmd));
    }
    assertEquals(0, p.exitValue(), () -> List.of(cmd) + " failed: " + err);
    return out;
  }

  /** Runs a command, stdout and stderr merged, whatever its exit code. */
  static Result exec(Path dir, List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
