package dev.pacha.cli;

import dev.pacha.json.Json;
import dev.pacha.store.HostStore;
import dev.pacha.store.MasterStore;
import dev.pacha.store.Verifier;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** pacha verify HOST: re-read a snapshot's contents from the master and check every hash. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Re-read every content a snapshot of HOST needs and check its sha256.",
      "Exit 4 names the damaged entries."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostParameter hostName;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description = "Verify this snapshot (default: the latest).")
  String snapshot;

  @Option(names = "--all", description = "Verify every snapshot of HOST.")
  boolean all;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    String host = hostName.host;
    try (MasterStore master = Masters.open(spec)) {
      HostStore hs = master.host(host);
      List<String> ids =
          all
              ? hs.catalog().snapshotIds()
              : List.of(hs.catalog().resolve(Optional.ofNullable(snapshot)));
      List<Verifier.Result> results = new ArrayList<>();
      PrintWriter out = Cli.context(spec).out();
      for (String id : ids) {
        Verifier.Result r = Verifier.verify(hs, id);
        results.add(r);
        if (!output.json) {
          out.println(
              (r.ok() ? "ok       " : "DAMAGED  ")
                  + host
                  + " "
                  + id
                  + ": "
                  + r.objects()
                  + " contents, "
                  + ConsoleReporter.bytes(r.bytes())
                  + " read");
          r.problems().forEach(p -> out.println("  " + p));
        }
      }
      if (output.json) {
        out.println(Json.write(results));
      }
      for (Verifier.Result r : results) {
        Verifier.require(r);
      }
      return ExitCodes.OK;
    }
  }
}
