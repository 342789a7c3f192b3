package dev.pacha.cli;

import dev.pacha.json.Json;
import dev.pacha.store.Manifest;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotCatalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha log HOST: the host's snapshots, newest first. */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = "List HOST's snapshots on the master, newest first.")
final class LogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostParameter hostName;

  @Mixin JsonOption output;

  /** One snapshot in the log. */
  record Line(String id, String created, int entries, long files, long bytes, boolean latest) {}

  @Override
  public Integer call() {
    String host = hostName.host;
    try (MasterStore master = Masters.open(spec)) {
      SnapshotCatalog catalog = master.host(host).catalog();
      Optional<String> latest = catalog.latest();
      List<Line> lines = new ArrayList<>();
      List<String> ids = new ArrayList<>(catalog.snapshotIds());
      java.util.Collections.reverse(ids);
      for (String id : ids) {
        Manifest m = catalog.manifest(id);
        lines.add(
            new Line(
                id,
                m.created(),
                m.entries().size(),
                m.fileCount(),
                m.totalBytes(),
                latest.map(id::equals).orElse(false)));
      }
      PrintWriter out = Cli.context(spec).out();
      if (output.json) {
        out.println(Json.write(lines));
      } else if (lines.isEmpty()) {
        out.println("No snapshots of " + host + " on " + master.describe());
      } else {
        for (Line l : lines) {
          out.println(
              l.id()
                  + "  "
                  + l.created()
                  + "  "
                  + l.entries()
                  + " entries, "
                  + l.files()
                  + " files, "
                  + ConsoleReporter.bytes(l.bytes())
                  + (l.latest() ? "  (latest)" : ""));
        }
      }
      return ExitCodes.OK;
    }
  }
}
