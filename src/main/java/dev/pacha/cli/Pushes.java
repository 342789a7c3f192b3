package dev.pacha.cli;

import dev.pacha.daemon.PushChannel;
import dev.pacha.daemon.PushService;
import dev.pacha.json.Json;
import dev.pacha.store.SnapshotWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/** Watch and push, shared by both spellings. */
final class Pushes {
  private Pushes() {}

  static PushService service(CommandSpec spec, boolean quiet) {
    return new PushService(
        Cli.config(spec), Cli.context(spec).sshUser(false), ConsoleReporter.of(spec, quiet));
  }

  static int watch(CommandSpec spec, Path path, boolean single, Path targetRoot, boolean json) {
    SnapshotWriter.PushResult r = service(spec, json).watch(path, single, targetRoot);
    print(Cli.context(spec).out(), r, json);
    return ExitCodes.OK;
  }

  static int push(CommandSpec spec, boolean json) {
    Cli.Context ctx = Cli.context(spec);
    ConsoleReporter reporter = ConsoleReporter.of(spec, json);
    // A running push daemon pushes for us: warm, and after its own push instead of exit 6.
    Optional<SnapshotWriter.PushResult> served =
        PushChannel.push(Cli.config(spec).stateDir(), reporter);
    served.ifPresent(r -> reporter.detail("pushed by the push daemon"));
    SnapshotWriter.PushResult r = served.orElseGet(() -> service(spec, json).push());
    print(ctx.out(), r, json);
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
