package dev.pacha.cli;

import dev.pacha.config.NoConfigException;
import dev.pacha.config.PachaConfig;
import dev.pacha.store.MasterStore;
import dev.pacha.store.Stores;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/** Opening the configured master for the read-side commands. */
final class Masters {
  private Masters() {}

  static MasterStore open(CommandSpec spec) {
    return Stores.open(Cli.config(spec), Cli.context(spec).sshUser(false));
  }

  /**
   * The embedded master's own config, for `pacha master ...`: the config found as for every command
   * when it says pacha.master = True; none when there is no config at all, or when the one found is
   * a host's (then its pacha.serve.* keys are not used, and a config named on purpose with --config
   * or PACHA_CONFIG gets a warning saying so).
   */
  static Optional<PachaConfig> masterConfig(CommandSpec spec) {
    PachaCommand root = Cli.root(spec);
    boolean named = root.global.config != null || root.context.env().get("PACHA_CONFIG") != null;
    PachaConfig config;
    try {
      config = Cli.config(spec);
    } catch (NoConfigException e) {
      return Optional.empty();
    }
    if (config.master()) {
      return Optional.of(config);
    }
    if (named) {
      root.context
          .err()
          .println(
              "pacha: warning: "
                  + config.source()
                  + " does not say pacha.master = True, so it is not used here (a master's"
                  + " config is; see the README, The embedded master)");
    }
    return Optional.empty();
  }
}
