package dev.pacha.cli;

import dev.pacha.daemon.PushService;
import dev.pacha.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha status: tracked paths and what changed since the last push. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the tracked paths and what changed since the last push (reads no master).")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PushService.Status s = Pushes.service(spec, output.json).status();
    PrintWriter out = Cli.context(spec).out();
    if (output.json) {
      out.println(Json.write(s));
      return ExitCodes.OK;
    }
    out.println("Host:    " + s.host());
    out.println(
        "Tracked: "
            + (s.roots().isEmpty()
                ? "(nothing; pacha --watch DIR)"
                : String.join(", ", s.roots())));
    out.println(
        "Last push: " + (s.lastPush() == null ? "never" : s.lastPush() + " at " + s.lastPushAt()));
    if (s.clean()) {
      out.println("No changes since the last push.");
    }
    s.added().forEach(p -> out.println("  added     " + p));
    s.modified().forEach(p -> out.println("  modified  " + p));
    s.removed().forEach(p -> out.println("  removed   " + p));
    s.skipped().forEach(p -> out.println("  skipped   " + p));
    return ExitCodes.OK;
  }
}
