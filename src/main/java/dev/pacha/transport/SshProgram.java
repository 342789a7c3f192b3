package dev.pacha.transport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds the system's OpenSSH client on PATH, as a shell would. */
public final class SshProgram {
  /** Searched when the environment has no PATH (what a shell assumes). */
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private SshProgram() {}

  /** The {@code ssh} program on {@code env}'s PATH, if there is one. */
  public static Optional<Path> find(Map<String, String> env) {
    String path = env.getOrDefault("PATH", DEFAULT_PATH);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, "ssh");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      } catch (InvalidPathException e) {
        // A PATH entry that is no path names no program.
      }
    }
    return Optional.empty();
  }
}
