package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.config.SshClient;
import dev.pacha.config.SshClientSettings;
import dev.pacha.transport.Backend;
import dev.pacha.transport.BackendProvider;
import dev.pacha.transport.LocalBackend;
import dev.pacha.transport.LocalUser;
import dev.pacha.transport.OpenSshBackend;
import dev.pacha.transport.OpenSshCommand;
import dev.pacha.transport.PrivateKeys;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.SshConfigException;
import dev.pacha.transport.SshProgram;
import dev.pacha.transport.SshSettings;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Opens the master store a config points at. */
public final class Stores {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private Stores() {}

  /** Opens the configured master; connection problems are exit code 3. */
  public static MasterStore open(PachaConfig config, LocalUser user) {
    MasterLocation where = config.requireMaster();
    Backend backend = backend(config, where, user);
    Path cache =
        config
            .stateDir()
            .resolve("cache")
            .resolve(where.display().replaceAll("[^A-Za-z0-9._-]", "_"));
    return new MasterStore(backend, cache);
  }

  private static Backend backend(PachaConfig config, MasterLocation where, LocalUser user) {
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
        Optional<Path> ssh = SshProgram.find(user.env());
        SshClient client =
            config
                .sshClient()
                .client()
                .orElse(ssh.isPresent() ? SshClient.OPENSSH : SshClient.BUILTIN);
        if (client == SshClient.OPENSSH) {
          return openSsh(config, where, user, ssh);
        }
        return builtin(config, where, user.home());
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

  /** The system's ssh: only what the config sets is passed to it, the rest is its own config. */
  private static Backend openSsh(
      PachaConfig config, MasterLocation where, LocalUser user, Optional<Path> ssh) {
    Path program =
        ssh.orElseThrow(
            () ->
                PachaException.usage(
                    "pacha.ssh.client = openssh in "
                        + config.source()
                        + " but there is no ssh program on PATH; install openssh-client or set"
                        + " pacha.ssh.client = builtin"));
    config
        .sshIdentity()
        .filter(key -> !Files.isRegularFile(key))
        .ifPresent(
            key -> {
              throw PachaException.usage(
                  "no SSH key for the master at "
                      + key
                      + "; set pacha.ssh.identity in "
                      + config.source()
                      + " to the private key the master accepts");
            });
    // ssh refuses a key others can read too, but says only "bad permissions": say it as the
    // built-in client does.
    config.sshIdentity().ifPresent(PrivateKeys::requireOwnerOnly);
    SshClientSettings set = config.sshClient();
    OpenSshCommand command =
        new OpenSshCommand(
            program,
            where.host(),
            set.user(),
            set.port(),
            set.config(),
            config.sshIdentity(),
            set.knownHosts(),
            set.hostKeyChecking(),
            !user.attended(),
            CONNECT_TIMEOUT);
    try {
      return OpenSshBackend.connect(command, user.env(), where.path());
    } catch (SshConfigException e) {
      throw PachaException.usage(e.getMessage());
    } catch (IOException e) {
      throw PachaException.unreachable(e.getMessage(), e);
    }
  }

  /** The SSH client built into pacha (JSch), with pacha's own settings and defaults. */
  private static Backend builtin(PachaConfig config, MasterLocation where, Path home) {
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
            CONNECT_TIMEOUT,
            Duration.ofSeconds(60));
    try {
      return SftpBackend.connect(where.user(), where.host(), where.port(), where.path(), ssh);
    } catch (TransportException e) {
      throw PachaException.unreachable(e.getMessage(), e);
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
