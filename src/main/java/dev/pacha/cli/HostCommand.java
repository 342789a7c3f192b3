package dev.pacha.cli;

import dev.pacha.master.MasterHosts;
import dev.pacha.master.MasterKeys;
import dev.pacha.store.MasterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha host add NAME [--key KEY.pub]: create a host's directory on the master. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Manage hosts on the master.",
    subcommands = {HostCommand.Add.class})
final class HostCommand {

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Create NAME's directory on the master, with empty pacha_pre/ and pacha_post/ for hooks (the same as --add-host).")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--key",
        paramLabel = "FILE",
        description =
            "On the embedded master: let this public key (authorized_keys lines) log in as NAME;"
                + " it sees NAME's directory only.")
    Path key;

    @Override
    public Integer call() {
      return key == null ? addHost(spec, name) : addHostWithKey(spec, name, key);
    }
  }

  static int addHostWithKey(CommandSpec spec, String name, Path key) {
    Cli.Context ctx = Cli.context(spec);
    MasterHosts.Added r = MasterHosts.add(Cli.config(spec), name, key);
    MasterKeys.Added k = r.keys();
    for (String w : k.warnings()) {
      ctx.err().println("pacha: warning: " + w);
    }
    PrintWriter out = ctx.out();
    out.println(
        (r.created() ? "Added host " : "Host already exists: ")
            + name
            + " in "
            + r.hostsPath()
            + " (hooks go in "
            + name
            + "/pacha_pre and "
            + name
            + "/pacha_post)");
    out.println(
        "Keys for "
            + name
            + ": "
            + k.added()
            + " added, "
            + k.present()
            + " already there ("
            + k.file()
            + "); "
            + name
            + " connects to `pacha master serve` as sftp://"
            + name
            + "@MASTER:PORT/");
    return ExitCodes.OK;
  }

  static int addHost(CommandSpec spec, String name) {
    try (MasterStore master = Masters.open(spec)) {
      boolean created = master.addHost(name);
      Cli.context(spec)
          .out()
          .println(
              (created ? "Added host " : "Host already exists: ")
                  + name
                  + " on "
                  + master.describe()
                  + " (hooks go in "
                  + name
                  + "/pacha_pre and "
                  + name
                  + "/pacha_post)");
      return ExitCodes.OK;
    }
  }
}
