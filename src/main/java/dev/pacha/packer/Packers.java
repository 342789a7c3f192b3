package dev.pacha.packer;

import dev.pacha.PachaException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the packer binary. */
public final class Packers {
  private Packers() {}

  /**
   * The packer to run: the one given, else the first `packer` on PATH.
   *
   * @throws PachaException of kind TOOL_MISSING, saying where pacha looked and how to install it
   */
  public static Path locate(Optional<Path> given, String path) {
    if (given.isPresent()) {
      Path p = given.get();
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new PachaException(
            PachaException.Kind.TOOL_MISSING,
            "packer "
                + p
                + " does not exist or is not executable; point --packer at a packer binary");
      }
      return p;
    }
    String dirs = path == null ? "" : path;
    for (String dir : dirs.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, "packer");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new PachaException(
        PachaException.Kind.TOOL_MISSING,
        "packer is not installed (not found on PATH="
            + dirs
            + "); install it (Debian: apt-get install packer) or give its path with --packer");
  }
}
