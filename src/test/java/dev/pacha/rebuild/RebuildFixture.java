package dev.pacha.rebuild;

import dev.pacha.Reporter;
import dev.pacha.store.HostStore;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotWriter;
import dev.pacha.track.Scanner;
import dev.pacha.transport.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Host bar's /opt/foo and /etc/bar.conf, pushed to a file:// master (no SSH), for the rebuild
 * steps' tests: several owners and modes, a symlink, an empty directory, two files with one
 * content. Tests run as root (CI does), so owners can be set.
 */
final class RebuildFixture {
  final Path tmp;
  final Path disk;
  final Path master;
  final Path target;
  final List<String> log = new ArrayList<>();
  final Reporter reporter =
      new Reporter() {
        @Override
        public void step(String message) {
          log.add(message);
        }

        @Override
        public void warn(String message) {
          log.add("warning: " + message);
        }
      };
  String snapshot;

  RebuildFixture(Path tmp) throws IOException {
    this.tmp = tmp;
    disk = tmp.resolve("disk");
    master = Files.createDirectories(tmp.resolve("master"));
    target = Files.createDirectories(tmp.resolve("target"));
    Path foo = disk.resolve("opt/foo");
    Files.createDirectories(foo.resolve("conf.d"));
    Files.createDirectories(foo.resolve("empty"));
    Files.writeString(foo.resolve("app.conf"), "listen 8080\n");
    Files.writeString(foo.resolve("conf.d/copy.conf"), "listen 8080\n");
    Files.writeString(foo.resolve("conf.d/secret"), "s3cr3t\n");
    Files.createSymbolicLink(foo.resolve("current"), Path.of("app.conf"));
    Files.setAttribute(foo.resolve("conf.d/secret"), "unix:mode", 0600);
    Files.setAttribute(foo.resolve("empty"), "unix:mode", 01777);
    UserPrincipalLookupService users = foo.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView v =
        Files.getFileAttributeView(foo.resolve("conf.d"), PosixFileAttributeView.class);
    v.setOwner(users.lookupPrincipalByName("daemon"));
    v.setGroup(users.lookupPrincipalByGroupName("adm"));
    Files.createDirectories(disk.resolve("etc"));
    Files.writeString(disk.resolve("etc/bar.conf"), "name bar\n");
    FileTime t = FileTime.from(Instant.parse("2010-06-01T12:00:00Z"));
    for (String p : List.of("app.conf", "conf.d/secret", "conf.d", "empty", ".")) {
      Files.setLastModifiedTime(foo.resolve(p), t);
    }
    snapshot = push();
  }

  List<String> roots() {
    return List.of("/etc/bar.conf", "/opt/foo");
  }

  String push() {
    return new SnapshotWriter(store(), Reporter.silent())
        .push(disk, roots(), new Scanner(disk).scan(roots()))
        .snapshot();
  }

  HostStore store() {
    return new MasterStore(new LocalBackend(master), null).host("bar");
  }

  /** Adds a hook on the master, as an operator would. */
  void hook(String dir, String name, String script) throws IOException {
    Files.createDirectories(master.resolve("bar").resolve(dir));
    Files.writeString(master.resolve("bar").resolve(dir).resolve(name), script);
  }

  RebuildRequest full() {
    return new RebuildRequest(
        "bar", java.util.Optional.empty(), java.util.Optional.empty(), false, target);
  }

  Plan plan() {
    return plan(full(), null);
  }

  Plan plan(RebuildRequest req, Path manifestCopy) {
    return new PlanStep(store().catalog(), store().hooks(), reporter)
        .plan(req, snapshot, target, manifestCopy);
  }

  /** The tree {@code root} on disk, as TreeState reads it. */
  static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }
}
