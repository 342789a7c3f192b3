package dev.pacha.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The real packer for tests, and the templates under test. */
public final class PackerTool {
  /** The templates pacha ships: packer/ in the project. */
  public static final Path TEMPLATES = Path.of("packer").toAbsolutePath();

  /** The null/file/shell-local template for the driver's tests. */
  public static final Path TEST_TEMPLATE = TEMPLATES.resolve("test");

  /** The .deb `mvn package` built (ITs run after package). */
  public static final Path DEB = Path.of("target", "pacha.deb").toAbsolutePath();

  private PackerTool() {}

  /**
   * The packer on PATH. Missing: under CI (CI=true) the test fails, so a CI without packer cannot
   * pass by skipping; elsewhere it is skipped.
   */
  public static Path require() {
    Optional<Path> found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "packer"))
            .filter(Files::isExecutable)
            .findFirst();
    if (found.isPresent()) {
      return found.get();
    }
    String why =
        "packer is not installed: the README's test command (bash scripts/test) installs it"
            + " (apt-get install packer)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    throw new AssertionError(why);
  }

  /** Runs packer with these arguments in dir; returns exit code and merged output. */
  public static Tools.Result packer(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(require().toString());
    cmd.addAll(List.of(args));
    return Tools.exec(dir, null, cmd);
  }

  /** Whether a process is still alive; false for a pid file that names nothing. */
  public static boolean alive(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Waits until a file exists and is not empty; false after the timeout. */
  public static boolean await(Path file, long millis) throws InterruptedException {
    long until = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() - until < 0) {
      try {
        if (Files.size(file) > 0) {
          return true;
        }
      } catch (java.io.IOException e) {
        // not there yet
      }
      Thread.sleep(50);
    }
    return false;
  }
}
