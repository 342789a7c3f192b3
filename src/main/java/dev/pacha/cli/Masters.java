package dev.pacha.cli;

import dev.pacha.store.MasterStore;
import dev.pacha.store.Stores;
import picocli.CommandLine.Model.CommandSpec;

/** Opening the configured master for the read-side commands. */
final class Masters {
  private Masters() {}

  static MasterStore open(CommandSpec spec) {
    return Stores.open(Cli.config(spec), Cli.context(spec).sshUser(false));
  }
}
