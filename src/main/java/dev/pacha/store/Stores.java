package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.transport.Backend;
import dev.pacha.transport.BackendProvider;
import dev.pacha.transport.LocalBackend;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.SshSettings;
import dev.pacha.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Opens the master store a config points at. */
public final class Stores {
  private Stores() {}

  /** Opens the configured master; connection problems are exit code 3. */
  public static MasterStore open(PachaConfig config, Path home) {
    MasterLocation where = config.requireMaster();
    Backend backend = backend(config, where, home);
    Path cache =
        config
            .stateDir()
            .resolve("cache")
            .resolve(where.display().replaceAll("[^A-Za-z0-9._-]", "_"));
    return new MasterStore(backend, cache);
  }

  private static Backend backend(PachaConfig config, MasterLocation where, Path home) {
    switch (where.scheme()) {
      case "file":
        Path root = Path.of(where.path());
        if (!Files.isDirectory(root)) {
          throw PachaException.unreachable(
              "the master store "
                  + root
                  + " does not exist; create it (mkdir -p "
                  + root
                  + ") or fix pacha.hosts.path / pacha.master.url",
              null);
        }
        return new LocalBackend(root);
      case "sftp":
        List<Path> keys =
            config
                .sshIdentity()
                .map(List::of)
                .orElse(List.of(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_rsa")));
        if (keys.stream().noneMatch(Files::isRegularFile)) {
          // A missing key is a setup problem, not an outage: retrying will not help.
          throw PachaException.usage(
              "no SSH key for the master at "
                  + keys
                  + "; set pacha.ssh.identity in "
                  + config.source()
                  + " to the private key the master accepts");
        }
        SshSettings ssh =
            new SshSettings(
                keys,
                config.knownHosts(),
                config.hostKeyChecking(),
                Duration.ofSeconds(15),
                Duration.ofSeconds(60));
        try {
          return SftpBackend.connect(where.user(), where.host(), where.port(), where.path(), ssh);
        } catch (TransportException e) {
          throw PachaException.unreachable(e.getMessage(), e);
        }
      default:
        BackendProvider provider =
            provider(where.scheme())
                .orElseThrow(
                    () ->
                        PachaException.usage(
                            "pacha.master.url = "
                                + where.display()
                                + ": the "
                                + where.scheme()
                                + " store is not available in this build; use sftp:// or"
                                + " file://"));
        try {
          return provider.open(where, config);
        } catch (TransportException e) {
          throw PachaException.unreachable(e.getMessage(), e);
        }
    }
  }

  /** The provider of a scheme this package does not know itself (s3:// lives in dev.pacha.aws). */
  static Optional<BackendProvider> provider(String scheme) {
    for (BackendProvider p :
        ServiceLoader.load(BackendProvider.class, BackendProvider.class.getClassLoader())) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
