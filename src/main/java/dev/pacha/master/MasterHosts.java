package dev.pacha.master;

import dev.pacha.PachaException;
import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.store.HostNames;
import dev.pacha.store.HostStore;
import dev.pacha.store.MasterStore;
import dev.pacha.transport.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/** Adding a host with its key on the machine that runs the embedded master. */
public final class MasterHosts {
  private MasterHosts() {}

  /**
   * What {@link #add} did.
   *
   * @param hostsPath the hosts path it worked in
   * @param created whether the host's directory was new
   * @param keys what happened to the keys
   */
  public record Added(Path hostsPath, boolean created, MasterKeys.Added keys) {}

  /**
   * Creates {@code host}'s directory (with pacha_pre/ and pacha_post/) and lets the keys in {@code
   * publicKeyFile} log in as that host. Only on the master itself: the config must say pacha.master
   * = True or point pacha.master.url at a file:// store.
   */
  public static Added add(PachaConfig config, String host, Path publicKeyFile) {
    HostNames.check(host);
    Path hostsPath = localHostsPath(config);
    // Keys first: a bad key file leaves nothing behind.
    MasterKeys.Added keys = MasterKeys.add(hostsPath, host, publicKeyFile);
    boolean created;
    try (MasterStore store = new MasterStore(new LocalBackend(hostsPath), null)) {
      created = store.addHost(host);
    }
    if (created) {
      // Host data is the master's alone, as what the master itself creates (HostViewAccessor).
      Path dir = hostsPath.resolve(host);
      for (Path p :
          List.of(
              dir,
              dir.resolve(HostStore.PRE_HOOK_DIRS.get(0)),
              dir.resolve(HostStore.POST_HOOK_DIRS.get(0)))) {
        try {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
          throw PachaException.failed("cannot make " + p + " private: " + e.getMessage(), e);
        }
      }
    }
    return new Added(hostsPath, created, keys);
  }

  /** The hosts path on this machine, or a usage error when this is not the master. */
  static Path localHostsPath(PachaConfig config) {
    Optional<MasterLocation> where = config.masterLocation();
    if (where.isPresent() && where.get().scheme().equals("file")) {
      return Path.of(where.get().path());
    }
    if (config.master()) {
      return Path.of(config.hostsPath());
    }
    throw PachaException.usage(
        "--key stores the key on the embedded master, so run this on the master: its config has"
            + " pacha.master = True (keys go under pacha.hosts.path) or a file:// pacha.master.url;"
            + " "
            + config.source()
            + " points at "
            + where.map(MasterLocation::display).orElse("no master")
            + ". Copy the .pub file to the master and run it there");
  }
}
