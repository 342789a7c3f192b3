package dev.pacha.cli;

import dev.pacha.store.MasterStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha host add NAME: create a host's directory on the master. */
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

    @Override
    public Integer call() {
      return addHost(spec, name);
    }
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
