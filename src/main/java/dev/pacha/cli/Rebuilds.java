package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.hooks.HookResult;
import dev.pacha.json.Json;
import dev.pacha.rebuild.RebuildFailedException;
import dev.pacha.rebuild.RebuildReport;
import dev.pacha.rebuild.RebuildRequest;
import dev.pacha.rebuild.RebuildService;
import dev.pacha.store.HostNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The rebuild flow both spellings share: checks, the seed's confirmation, the run, the report. */
final class Rebuilds {
  private Rebuilds() {}

  static int run(CommandSpec spec, String host, RebuildOptions o) {
    try {
      HostNames.check(host);
    } catch (PachaException e) {
      // The same words as every other command: what a host name may contain.
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    boolean json = o.output.json;
    if (json && !o.yes && !o.unattended && !o.dryRun) {
      throw new ParameterException(
          spec.commandLine(),
          "--json needs --yes or --unattended (a prompt would mix with the JSON)");
    }
    Cli.Context ctx = Cli.context(spec);
    PachaConfig config = Cli.config(spec);
    ConsoleReporter reporter = ConsoleReporter.of(spec, o.quiet.quiet || json || o.unattended);
    if (!o.yes && !o.unattended && !o.dryRun) {
      confirm(spec, ctx, config, host);
    }
    RebuildRequest request =
        new RebuildRequest(
            host,
            Optional.ofNullable(o.directory),
            Optional.ofNullable(o.snapshot),
            o.dryRun,
            o.target.resolved());
    RebuildReport report;
    try {
      report = new RebuildService(config, ctx.sshUser(o.unattended), reporter).rebuild(request);
    } catch (RebuildFailedException e) {
      if (json) {
        ctx.out().println(Json.write(e.report()));
      } else if (e.report().reportFile() != null) {
        ctx.err().println("pacha: report: " + e.report().reportFile());
      }
      throw e;
    }
    if (json) {
      ctx.out().println(Json.write(report));
    } else if (!o.quiet.quiet) {
      print(ctx.out(), report);
    }
    return ExitCodes.OK;
  }

  /** The seed's confirmation block; with no terminal, refuse rather than hang. */
  private static void confirm(CommandSpec spec, Cli.Context ctx, PachaConfig config, String host) {
    if (!ctx.terminal()) {
      throw PachaException.usage(
          "no terminal to confirm the rebuild of "
              + host
              + " on; add --yes (or --unattended at"
              + " first boot) to run without asking");
    }
    PrintWriter out = ctx.out();
    MasterLocation m = config.requireMaster();
    if (m.scheme().equals("sftp")) {
      out.println("SSH Connection: " + m.user() + "@" + m.host());
      out.println("SSH Port:       " + m.port());
    } else {
      out.println("Master:         " + m.display());
    }
    out.println("Host to rebuild: " + host);
    out.println("Hit Enter to confirm or Ctrl-C to cancel");
    out.flush();
    try {
      if (ctx.reader().readLine() == null) {
        throw PachaException.usage("no confirmation (end of input); nothing was changed");
      }
    } catch (IOException e) {
      throw PachaException.usage("no confirmation (" + e.getMessage() + "); nothing was changed");
    }
  }

  static void print(PrintWriter out, RebuildReport r) {
    boolean dry = "dry-run".equals(r.outcome());
    out.println(
        (dry ? "Would rebuild " : "Rebuilt ")
            + r.host()
            + " from snapshot "
            + r.snapshot()
            + (dry
                ? ""
                : " in "
                    + String.format(java.util.Locale.ROOT, "%.1f s", r.durationMillis() / 1000.0)));
    for (RebuildReport.Placed p : r.placed()) {
      out.println(
          (dry ? "  place     " : "  placed    ")
              + p.root()
              + " -> "
              + p.target()
              + " ("
              + p.entries()
              + " entries, "
              + p.files()
              + " files, "
              + ConsoleReporter.bytes(p.bytes())
              + ")");
    }
    for (RebuildReport.BackedUp b : r.backedUp()) {
      out.println((dry ? "  back up   " : "  backed up ") + b.path() + " -> " + b.backup());
    }
    for (RebuildReport.Skipped s : r.skipped()) {
      out.println("  skipped   " + s.path() + ": " + s.reason());
    }
    if (dry) {
      for (String h : r.hooksPlanned()) {
        out.println("  run hook  " + h);
      }
    }
    for (HookResult h : r.hooks()) {
      out.println(
          "  hook      "
              + h.phase()
              + "/"
              + h.name()
              + ": "
              + (h.ok() ? "ok" : h.timedOut() ? "timed out" : "exit " + h.exitCode())
              + " ("
              + h.millis()
              + " ms)");
    }
    if (r.reportFile() != null) {
      out.println("Report: " + r.reportFile());
    }
  }
}
