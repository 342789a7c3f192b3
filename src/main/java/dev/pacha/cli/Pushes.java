package dev.pacha.cli;

import dev.pacha.daemon.PushService;
import dev.pacha.json.Json;
import dev.pacha.store.SnapshotWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Watch and push, shared by both spellings. */
final class Pushes {
  private Pushes() {}

  static PushService service(CommandSpec spec, boolean quiet) {
    Cli.Context ctx = Cli.context(spec);
    return new PushService(
        Cli.config(spec),
        ctx.home(),
        new ConsoleReporter(ctx, quiet, Cli.root(spec).global.verbose));
  }

  static int watch(CommandSpec spec, Path path, boolean single, Path targetRoot, boolean json) {
    SnapshotWriter.PushResult r =
        service(spec, json).watch(path, single, targetRoot == null ? Path.of("/") : targetRoot);
    print(Cli.context(spec).out(), r, json);
    return ExitCodes.OK;
  }

  static int push(CommandSpec spec, boolean json) {
    SnapshotWriter.PushResult r = service(spec, json).push();
    print(Cli.context(spec).out(), r, json);
    return ExitCodes.OK;
  }

  static void print(PrintWriter out, SnapshotWriter.PushResult r, boolean json) {
    if (json) {
      out.println(Json.write(r));
      return;
    }
    if (!r.changed()) {
      out.println(
          "Nothing changed since snapshot "
              + r.snapshot()
              + " of "
              + r.host()
              + " ("
              + r.entries()
              + " entries)");
    } else {
      out.println(
          "Pushed snapshot "
              + r.snapshot()
              + " of "
              + r.host()
              + ": "
              + r.entries()
              + " entries, "
              + r.uploadedObjects()
              + " new contents ("
              + ConsoleReporter.bytes(r.uploadedBytes())
              + ") uploaded, "
              + r.reusedObjects()
              + " already on the master");
    }
    if (!r.skipped().isEmpty()) {
      out.println(r.skipped().size() + " entries were skipped (see the warnings above)");
    }
  }
}
