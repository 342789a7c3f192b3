package dev.pacha.master;

import dev.pacha.PachaException;
import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.store.HookStore;
import dev.pacha.store.HostNames;
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
              dir.resolve(HookStore.PRE_DIRS.get(0)),
              dir.resolve(HookStore.POST_DIRS.get(0)))) {
        try {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
          Owners.likeParent(p);
        } catch (IOException e) {
          throw PachaException.failed("cannot make " + p + " private: " + e.getMessage(), e);
        }
      }
    }
    return new Added(hostsPath, created, keys);
  }

  /**
   * One host on this master, as {@code pacha host list} shows it.
   *
   * @param host its name
   * @param keys how many keys may log in as it (0: it cannot log in)
   * @param directory its directory, when there is one
   * @param snapshots how many snapshots it holds
   */
  public record Entry(String host, int keys, Optional<Path> directory, int snapshots) {}

  /** Every host that has keys or a directory, by name. */
  public static List<Entry> list(PachaConfig config) {
    Path hostsPath = localHostsPath(config, "pacha host list");
    java.util.SortedSet<String> names =
        new java.util.TreeSet<>(MasterKeys.hostsWithKeys(hostsPath));
    try (MasterStore store = new MasterStore(new LocalBackend(hostsPath), null)) {
      names.addAll(store.hosts());
    }
    List<Entry> entries = new java.util.ArrayList<>();
    for (String host : names) {
      Path dir = hostsPath.resolve(host);
      entries.add(
          new Entry(
              host,
              MasterKeys.list(hostsPath, host).size(),
              Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty(),
              countSnapshots(dir)));
    }
    return entries;
  }

  private static int countSnapshots(Path dir) {
    Path snapshots = dir.resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> s = Files.list(snapshots)) {
      return (int)
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json") && !n.startsWith("."))
              .count();
    } catch (IOException e) {
      throw PachaException.failed("cannot list " + snapshots + ": " + e.getMessage(), e);
    }
  }

  /** The keys that may log in as {@code host}. */
  public static List<MasterKeys.KeyInfo> keys(PachaConfig config, String host) {
    HostNames.check(host);
    Path hostsPath = localHostsPath(config, "pacha host keys");
    requireKnown(hostsPath, host);
    return MasterKeys.list(hostsPath, host);
  }

  /** Takes one key (a fingerprint or a .pub file) away from {@code host}; see MasterKeys. */
  public static MasterKeys.Revoked revoke(PachaConfig config, String host, String key) {
    HostNames.check(host);
    Path hostsPath = localHostsPath(config, "pacha host revoke");
    requireKnown(hostsPath, host);
    return MasterKeys.revoke(hostsPath, host, key);
  }

  /**
   * What {@link #remove} did.
   *
   * @param keys how many keys the host had (all removed)
   * @param directory its directory, if it has one
   * @param dataRemoved whether that directory was removed
   */
  public record Removed(int keys, Optional<Path> directory, boolean dataRemoved) {}

  /**
   * Removes a host's keys, so it can no longer log in (connections already logged in are refused
   * from their next request). Its directory, with its history and hooks, is removed only with
   * {@code data}.
   */
  public static Removed remove(PachaConfig config, String host, boolean data) {
    HostNames.check(host);
    Path hostsPath = localHostsPath(config, "pacha host remove");
    requireKnown(hostsPath, host);
    int keys = MasterKeys.removeAll(hostsPath, host);
    Path dir = hostsPath.resolve(host);
    Optional<Path> directory = Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    if (data && directory.isPresent()) {
      try {
        deleteTree(dir);
      } catch (IOException e) {
        throw PachaException.failed(
            "removed the keys of " + host + " but not all of " + dir + ": " + e.getMessage(), e);
      }
    }
    return new Removed(keys, directory, data && directory.isPresent());
  }

  private static void requireKnown(Path hostsPath, String host) {
    if (!Files.exists(MasterKeys.keyFile(hostsPath, host))
        && !Files.isDirectory(hostsPath.resolve(host))) {
      throw new PachaException(
          PachaException.Kind.FAILED,
          "no host " + host + " on the master in " + hostsPath + " (see pacha host list)");
    }
  }

  /** Deletes a tree without following links. */
  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
            Files.delete(file);
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e)
              throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * The known_hosts line hosts pin for this master: its host key (made by its first start) under
   * {@code names}, with the port when it is not 22.
   */
  public static String knownHostsLine(Path hostKeyFile, int port, List<String> names) {
    if (!Files.exists(hostKeyFile)) {
      throw PachaException.usage(
          "no host key at "
              + hostKeyFile
              + " yet: the master makes it when it first starts (systemctl start pacha-master, or"
              + " pacha master serve); or give --host-key FILE");
    }
    String key = HostKeys.load(hostKeyFile, false).publicLine();
    List<String> hosts = new java.util.ArrayList<>();
    for (String name : names) {
      hosts.add(port == 22 ? name : "[" + name + "]:" + port);
    }
    return String.join(",", hosts) + " " + key;
  }

  /** The hosts path on this machine, or a usage error when this is not the master. */
  static Path localHostsPath(PachaConfig config) {
    return localHostsPath(
        config,
        "--key stores the key on the embedded master",
        " Copy the .pub file to the master and run it there");
  }

  /** As above; {@code what} starts the message ("pacha host list"). */
  static Path localHostsPath(PachaConfig config, String what) {
    return localHostsPath(config, what + " works on the embedded master's own files", "");
  }

  private static Path localHostsPath(PachaConfig config, String what, String then) {
    Optional<MasterLocation> where = config.masterLocation();
    if (where.isPresent() && where.get().scheme().equals("file")) {
      return Path.of(where.get().path());
    }
    if (config.master()) {
      return Path.of(config.hostsPath());
    }
    throw PachaException.usage(
        what
            + ", so run this on the master: its config has pacha.master = True (keys go under"
            + " pacha.hosts.path) or a file:// pacha.master.url; "
            + config.source()
            + " points at "
            + where.map(MasterLocation::display).orElse("no master")
            + "."
            + then);
  }
}
