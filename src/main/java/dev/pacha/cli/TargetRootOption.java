package dev.pacha.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --target-root DIR: where recorded paths lie on disk, "/" unless given. */
public final class TargetRootOption {
  @Option(
      names = "--target-root",
      paramLabel = "DIR",
      description =
          "DIR stands for / : recorded paths are placed and read under it (a mounted disk, a"
              + " chroot, a sandbox).")
  Path targetRoot;

  /** The target root, absolute; "/" when not given. */
  Path resolved() {
    return targetRoot == null ? Path.of("/") : targetRoot.toAbsolutePath().normalize();
  }
}
