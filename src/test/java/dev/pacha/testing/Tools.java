package dev.pacha.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs outside tools in tests. */
public final class Tools {
  private Tools() {}

  /** Runs a command, fails the test on a non-zero exit; returns its output. */
  public static String run(Path dir, String... command) throws IOException, InterruptedException {
    Result r = exec(dir, null, List.of(command));
    assertEquals(0, r.code(), () -> String.join(" ", command) + " failed: " + r.output());
    return r.output();
  }

  /** A finished process: exit code and merged output. */
  public record Result(int code, String output) {}

  public static Result exec(Path dir, String stdin, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
