package dev.pacha.store;

import dev.pacha.Reporter;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import dev.pacha.transport.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A host "bar" that pushed /opt/foo to a file:// master, for the store parts' tests. */
final class StoreFixture {
  final Path disk;
  final Path master;
  final Backend backend;

  StoreFixture(Path tmp) throws IOException {
    disk = tmp.resolve("disk");
    master = Files.createDirectories(tmp.resolve("master"));
    backend = new LocalBackend(master);
    Files.createDirectories(disk.resolve("opt/foo/sub"));
    Files.writeString(disk.resolve("opt/foo/a"), "alpha");
    Files.writeString(disk.resolve("opt/foo/sub/b"), "beta");
    Files.writeString(disk.resolve("opt/foo/sub/same-as-a"), "alpha");
  }

  HostStore bar() {
    return bar(backend);
  }

  HostStore bar(Backend through) {
    return new MasterStore(through, null).host("bar");
  }

  SnapshotWriter.PushResult push() {
    return new SnapshotWriter(bar(), Reporter.silent())
        .push(disk, List.of("/opt/foo"), new Scanner(disk).scan(List.of("/opt/foo")));
  }
}
