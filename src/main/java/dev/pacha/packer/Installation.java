package dev.pacha.packer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where pacha runs from, to find what came with it: in a build, target/pacha.jar with
 * target/pacha.deb beside it and the templates in packer/; from the Debian package,
 * /usr/share/pacha/pacha.jar with the templates in /usr/share/pacha/packer.
 */
public final class Installation {
  private Installation() {}

  /** The directory of pacha's jar (target/ also when running from target/classes). */
  public static Optional<Path> home() {
    try {
      var source = Installation.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path p = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
      return Optional.ofNullable(p.getParent());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The templates that came with pacha: home/packer (a package) or home/../packer (a build). */
  public static Optional<Path> templates(Path home) {
    return Stream.of(home.resolve("packer"), home.resolveSibling("packer"))
        .filter(Installation::hasTemplates)
        .findFirst();
  }

  /** The .deb that `mvn package` built beside the jar. */
  public static Optional<Path> deb(Path home) {
    Path deb = home.resolve("pacha.deb");
    return Files.isRegularFile(deb) ? Optional.of(deb) : Optional.empty();
  }

  static boolean hasTemplates(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".pkr.hcl"));
    } catch (IOException e) {
      return false;
    }
  }

  /** pacha's version, as the jar's manifest says; "dev" for a build run from classes. */
  public static String version() {
    String v = Installation.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
