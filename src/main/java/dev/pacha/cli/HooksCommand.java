package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import dev.pacha.store.HookStore;
import dev.pacha.store.MasterStore;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** pacha hooks push HOST --pre DIR --post DIR: put a host's hook scripts on the master. */
@Command(
    name = "hooks",
    mixinStandardHelpOptions = true,
    description = "Manage a host's hook scripts on the master.",
    subcommands = {HooksCommand.Push.class})
final class HooksCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(Cli.context(spec).err());
    return ExitCodes.USAGE;
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Upload HOST's hook scripts to the master, replacing the previous set of each phase given:",
        "the files of --pre DIR become HOST/pacha_pre/, those of --post DIR HOST/pacha_post/.",
        "For masters where files cannot simply be copied (s3://); works with every master.",
        "Dot-files and subdirectories are not uploaded. An empty DIR removes that phase's hooks."
      })
  static final class Push implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin HostParameter hostName;

    @Option(
        names = "--pre",
        paramLabel = "DIR",
        description = "The pre-hooks (run before files are placed).")
    Path pre;

    @Option(
        names = "--post",
        paramLabel = "DIR",
        description = "The post-hooks (run after files are placed).")
    Path post;

    @Mixin JsonOption output;

    /** A host's own key may not write hooks (the rebuild runs them as root): say what will. */
    static PachaException needsAdmin(String where, PachaException e) {
      return new PachaException(
          e.kind(),
          "the master refused to write hooks to "
              + where
              + ": hooks need an admin key (give it to pacha.ssh.identity in an operator's config;"
              + " the master's --admin-keys lists it) or run pacha hooks push on the master itself"
              + " (pacha.master.url = file:///HOSTS-PATH); a host's own key may only add snapshots",
          e);
    }

    /** What `hooks push` did, for --json. */
    record Result(String host, String master, List<HookStore.HookUpload> phases) {}

    @Override
    public Integer call() {
      if (pre == null && post == null) {
        throw new ParameterException(spec.commandLine(), "give --pre DIR, --post DIR or both");
      }
      for (Path dir : new Path[] {pre, post}) {
        if (dir != null && !Files.isDirectory(dir)) {
          throw new ParameterException(spec.commandLine(), dir + " is not a directory");
        }
      }
      String host = hostName.host;
      Cli.Context ctx = Cli.context(spec);
      ConsoleReporter reporter = ConsoleReporter.of(spec, output.json);
      try (MasterStore master = Masters.open(spec)) {
        List<HookStore.HookUpload> done;
        try {
          done =
              master.pushHooks(host, Optional.ofNullable(pre), Optional.ofNullable(post), reporter);
        } catch (PachaException e) {
          if (e.getCause() instanceof AccessDeniedException) {
            throw needsAdmin(master.describe(host), e);
          }
          throw e;
        }
        done.forEach(d -> d.skipped().forEach(s -> reporter.warn("not uploaded: " + s)));
        PrintWriter out = ctx.out();
        if (output.json) {
          out.println(Json.write(new Result(host, master.describe(), done)));
          return ExitCodes.OK;
        }
        for (HookStore.HookUpload d : done) {
          out.println(
              "Pushed "
                  + d.uploaded().size()
                  + (d.uploaded().size() == 1 ? " hook to " : " hooks to ")
                  + master.describe(host + "/" + d.dir())
                  + (d.uploaded().isEmpty() ? "" : ": " + String.join(", ", d.uploaded()))
                  + (d.removed().isEmpty()
                      ? ""
                      : " (removed " + String.join(", ", d.removed()) + ")"));
        }
        return ExitCodes.OK;
      }
    }
  }
}
