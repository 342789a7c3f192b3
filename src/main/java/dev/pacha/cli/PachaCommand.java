package dev.pacha.cli;

import dev.pacha.config.ConfigLoader;
import dev.pacha.config.PachaConfig;
import dev.pacha.config.SshClient;
import dev.pacha.transport.SshProgram;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command. Takes the original Pacha's flags (pacha --rebuild bar) as well as subcommands
 * (pacha rebuild bar); both mean the same.
 */
@Command(
    name = "pacha",
    mixinStandardHelpOptions = true,
    versionProvider = PachaCommand.Version.class,
    description = {
      "Hosts push their configuration files, with owner, group and mode, to a master;",
      "a dead host's replacement rebuilds itself from them.",
      "",
      "Exit codes: 0 ok, 1 failed, 2 usage or config error, 3 master unreachable or refused,",
      "4 integrity failure, 5 a hook failed, 6 another pacha run holds the lock,",
      "7 a program pacha drives (packer) is missing, 130 interrupted."
    },
    // The subcommands are registered by Cli: only the one a command line names, as building
    // picocli's model of all of them took a fresh JVM longer than a whole push.
    subcommands = {})
public final class PachaCommand implements Callable<Integer> {
  /** Every subcommand, in the order `pacha --help` lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RebuildCommand.class,
          WatchCommand.class,
          PushCommand.class,
          StatusCommand.class,
          LogCommand.class,
          VerifyCommand.class,
          HostsCommand.class,
          HostCommand.class,
          HooksCommand.class,
          RestoreDbCommand.class,
          DaemonCommand.class,
          CloudInitCommand.class,
          FirstbootCommand.class,
          MasterCommand.class,
          DemoCommand.class,
          ImageCommand.class,
          AwsCommand.class);

  final Cli.Context context;

  @Spec CommandSpec spec;

  @Mixin GlobalOptions global = new GlobalOptions();

  /** The original Pacha's actions: at most one per command line. */
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Action action;

  @Mixin RebuildOptions rebuildOptions;

  /** The original's flags, one action each; picocli refuses two at once ({@link Cli}). */
  static final class Action {
    @Option(
        names = "--rebuild",
        paramLabel = "HOST",
        description = "Rebuild HOST on this machine (= pacha rebuild HOST).")
    String rebuild;

    @Option(
        names = "--watch",
        paramLabel = "PATH",
        arity = "0..1",
        fallbackValue = ".",
        description = "Track a directory (default: the current one) and push it (= pacha watch).")
    Path watch;

    @Option(
        names = "--watch-single",
        paramLabel = "FILE",
        description = "Track one file and push it (= pacha watch --single FILE).")
    Path watchSingle;

    @Option(
        names = "--add-host",
        paramLabel = "NAME",
        description =
            "On the master: create NAME's directory with pacha_pre/ and pacha_post/ (= pacha host"
                + " add).")
    String addHost;

    @Option(
        names = "--add-config",
        paramLabel = "PATH",
        description = "Check a config file and use it from now on.")
    Path addConfig;

    @Option(
        names = "--config-values",
        description = "Print every config key with the value in effect.")
    boolean configValues;

    @Option(
        names = "--restore-db",
        paramLabel = "HOST",
        description =
            "Bring back HOST's tracking state from its latest snapshot (= pacha restore-db).")
    String restoreDb;

    @Option(names = "--daemon-start", description = "Start the push daemon (= pacha daemon start).")
    boolean daemonStart;

    @Option(names = "--daemon-stop", description = "Stop the push daemon.")
    boolean daemonStop;

    @Option(names = "--daemon-status", description = "Tell whether the push daemon runs.")
    boolean daemonStatus;

    @Option(names = "--daemon-run-once", description = "Push once if anything changed (for cron).")
    boolean daemonRunOnce;

    @Option(names = "--daemon-foreground", description = "Run the push daemon in the foreground.")
    boolean daemonForeground;
  }

  public PachaCommand(Cli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    // Before the usage text, so that `pacha --yes` says what is missing.
    if ((action == null || action.rebuild == null) && rebuildOptions.touched()) {
      throw new ParameterException(spec.commandLine(), "rebuild options need --rebuild HOST");
    }
    if (action == null) {
      spec.commandLine().usage(context.err());
      return ExitCodes.USAGE;
    }
    Action a = action;
    if (a.rebuild != null) {
      return Rebuilds.run(spec, a.rebuild, rebuildOptions);
    } else if (a.watch != null || a.watchSingle != null) {
      boolean single = a.watch == null;
      return Pushes.watch(
          spec, single ? a.watchSingle : a.watch, single, rebuildOptions.target.resolved(), false);
    } else if (a.addHost != null) {
      return HostCommand.addHost(spec, a.addHost);
    } else if (a.addConfig != null) {
      return addConfig(a.addConfig);
    } else if (a.configValues) {
      return configValues();
    } else if (a.restoreDb != null) {
      return RestoreDbCommand.run(spec, a.restoreDb, rebuildOptions.target.resolved());
    }
    String daemon =
        a.daemonStart
            ? "start"
            : a.daemonStop
                ? "stop"
                : a.daemonStatus ? "status" : a.daemonRunOnce ? "run-once" : "foreground";
    return DaemonCommand.run(spec, daemon);
  }

  private int addConfig(Path file) {
    PachaConfig c = ConfigLoader.remember(file, context.env());
    context.out().println("Config added: " + c.source() + " (pacha uses it from now on)");
    for (String w : c.warnings()) {
      context.err().println("pacha: warning: " + w);
    }
    return ExitCodes.OK;
  }

  private int configValues() {
    PachaConfig c = Cli.config(spec);
    PrintWriter out = context.out();
    out.println("# from " + c.source());
    out.println("pacha.frequency = " + c.frequency());
    out.println("pacha.master = " + (c.master() ? "True" : "False"));
    out.println("pacha.host = " + c.masterHost());
    out.println("pacha.ssh.port = " + c.sshPort());
    out.println("pacha.ssh.user = " + c.sshUser());
    out.println("pacha.hosts.path = " + c.hostsPath());
    out.println("pacha.log.enable = " + (c.log().enable() ? "True" : "False"));
    out.println("pacha.log.path = " + c.log().path());
    out.println("pacha.log.level = " + c.log().level());
    out.println("pacha.log.format = " + c.log().format());
    out.println("pacha.log.datefmt = " + c.log().dateFormat());
    out.println("pacha.hostname = " + c.hostname().orElse("(system hostname)"));
    out.println(
        "pacha.ssh.identity = "
            + c.sshIdentity().map(Path::toString).orElse("~/.ssh/id_ed25519, then ~/.ssh/id_rsa"));
    out.println("pacha.ssh.known_hosts = " + c.knownHosts());
    out.println("pacha.ssh.host_key_checking = " + c.hostKeyChecking().configValue());
    out.println(
        "pacha.ssh.client = "
            + c.sshClient()
                .client()
                .map(SshClient::configValue)
                .orElseGet(
                    () ->
                        SshProgram.find(context.env())
                            .map(ssh -> "openssh (" + ssh + ")")
                            .orElse("builtin (no ssh program on PATH)")));
    out.println(
        "pacha.ssh.config = "
            + c.sshClient()
                .config()
                .map(Path::toString)
                .orElse("(ssh's own: ~/.ssh/config, /etc/ssh/ssh_config)"));
    out.println(
        "pacha.master.url = "
            + c.masterLocation().map(m -> m.display()).orElse("(none: set pacha.host)"));
    out.println("pacha.s3.endpoint = " + c.s3().endpoint().map(Object::toString).orElse("(AWS)"));
    out.println(
        "pacha.s3.region = " + c.s3().region().orElse("(the AWS SDK's default region chain)"));
    out.println("pacha.s3.path_style = " + (c.s3().pathStyle() ? "True" : "False"));
    out.println("pacha.aws.endpoint = " + c.aws().endpoint().map(Object::toString).orElse("(AWS)"));
    out.println(
        "pacha.aws.region = " + c.aws().region().orElse("(the AWS SDK's default region chain)"));
    out.println("pacha.state.dir = " + c.stateDir());
    out.println("pacha.rebuild.staging = " + c.stagingDir());
    out.println("pacha.rebuild.backups = " + c.backupsDir());
    out.println("pacha.rebuild.missing_owner = " + c.missingOwner().configValue());
    out.println("pacha.hooks.timeout = " + c.hooksTimeout().toSeconds());
    out.println("pacha.boot.secrets = " + c.boot().secrets().orElse("(none)"));
    out.println("pacha.boot.deadline = " + c.boot().deadline().toSeconds());
    out.println("pacha.boot.on_failure = " + (c.boot().failOnError() ? "fail" : "degrade"));
    return ExitCodes.OK;
  }

  /** The version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = PachaCommand.class.getPackage().getImplementationVersion();
      return new String[] {"pacha " + (v == null ? "(development build)" : v)};
    }
  }
}
