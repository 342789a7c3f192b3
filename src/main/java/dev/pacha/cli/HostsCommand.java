package dev.pacha.cli;

import dev.pacha.json.Json;
import dev.pacha.store.MasterStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha hosts: every host on the master with its last push and size. */
@Command(
    name = "hosts",
    mixinStandardHelpOptions = true,
    description = "List the hosts on the master with their last push and size.")
final class HostsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    try (MasterStore master = Masters.open(spec)) {
      List<MasterStore.HostSummary> rows = new ArrayList<>();
      for (String h : master.hosts()) {
        rows.add(master.summary(h));
      }
      PrintWriter out = Cli.context(spec).out();
      if (output.json) {
        out.println(Json.write(rows));
        return ExitCodes.OK;
      }
      if (rows.isEmpty()) {
        out.println("No hosts on " + master.describe() + " yet (pacha --add-host NAME)");
      }
      for (MasterStore.HostSummary s : rows) {
        out.println(
            String.format(
                "%-24s %s",
                s.host(),
                s.latest() == null
                    ? "never pushed"
                    : "last push "
                        + s.created()
                        + ", "
                        + s.entries()
                        + " entries, "
                        + ConsoleReporter.bytes(s.bytes())
                        + ", "
                        + s.snapshots()
                        + " snapshots"));
      }
      return ExitCodes.OK;
    }
  }
}
