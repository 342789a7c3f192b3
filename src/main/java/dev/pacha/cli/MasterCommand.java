package dev.pacha.cli;

import dev.pacha.config.PachaConfig;
import dev.pacha.master.MasterHosts;
import dev.pacha.master.MasterServer;
import dev.pacha.master.MasterSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** pacha master serve: run the embedded SFTP master. */
@Command(
    name = "master",
    mixinStandardHelpOptions = true,
    description = "The embedded SFTP master, for teams without an OpenSSH master.",
    subcommands = {MasterCommand.Serve.class, MasterCommand.KnownHosts.class})
final class MasterCommand {

  @Command(
      name = "known-hosts",
      mixinStandardHelpOptions = true,
      description = {
        "Print the known_hosts line hosts pin for this embedded master (pacha.ssh.known_hosts):"
            + " its host key under its name and port.",
        "Reads the master's config (pacha.master = True) or the options; the key exists once the"
            + " master has started."
      })
  static final class KnownHosts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--hosts-path",
        paramLabel = "DIR",
        description = "The master's hosts path; default: the config's pacha.hosts.path.")
    Path hostsPath;

    @Option(
        names = "--host-key",
        paramLabel = "FILE",
        description = "The master's key (default: DIR/.pacha-master/host_key).")
    Path hostKey;

    @Option(
        names = "--port",
        paramLabel = "PORT",
        description = "The port hosts connect to (default: the config's, else 2222).")
    Integer port;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description =
            "A name or address hosts reach the master by; repeat for more (default: this"
                + " machine's name).")
    List<String> names;

    @Override
    public Integer call() {
      Optional<PachaConfig> config = Masters.masterConfig(spec);
      Optional<PachaConfig.ServeSettings> serve = config.map(PachaConfig::serve);
      Path key = hostKey;
      if (key == null) {
        key = serve.flatMap(PachaConfig.ServeSettings::hostKey).orElse(null);
      }
      if (key == null) {
        Path hosts = hostsPath;
        if (hosts == null) {
          hosts =
              config
                  .map(c -> Path.of(c.hostsPath()))
                  .orElseThrow(
                      () ->
                          new ParameterException(
                              spec.commandLine(),
                              "give --hosts-path DIR or --host-key FILE, or a master's config"
                                  + " (--config /etc/pacha/master.conf)"));
        }
        key = MasterSettings.of(hosts, "0.0.0.0", 0).hostKeyFile();
      }
      int p = port != null ? port : serve.flatMap(PachaConfig.ServeSettings::port).orElse(2222);
      if (p < 1 || p > 65535) {
        throw new ParameterException(spec.commandLine(), "--port must be 1 to 65535");
      }
      List<String> hosts =
          names != null && !names.isEmpty()
              ? names
              : List.of(
                  MasterServer.reachableName(
                      serve.flatMap(PachaConfig.ServeSettings::bind).orElse("0.0.0.0")));
      Cli.context(spec).out().println(MasterHosts.knownHostsLine(key, p, hosts));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Serve the hosts path over SFTP until stopped (SIGTERM or Ctrl-C lets pushes finish).",
        "Each host logs in as its own name with a key added by `pacha host add NAME --key"
            + " KEY.pub` and sees only its own directory, where it may add snapshots but never"
            + " delete, overwrite or write hooks; hosts use",
        "pacha.master.url = sftp://NAME@MASTER:PORT/ . Needs no config file; with one that says"
            + " pacha.master = True (pacha --config /etc/pacha/master.conf master serve), its"
            + " pacha.hosts.path and pacha.serve.* keys are the defaults of these options."
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--hosts-path",
        paramLabel = "DIR",
        description =
            "The directory with one directory per host (made when missing, 0700); default: the"
                + " config's pacha.hosts.path.")
    Path hostsPath;

    @Option(
        names = "--port",
        paramLabel = "PORT",
        description = "TCP port (default: 2222); 0 picks a free one and prints it.")
    Integer port;

    @Option(
        names = "--bind",
        paramLabel = "ADDRESS",
        description = "Address to listen on (default: 0.0.0.0, every address).")
    String bind;

    @Option(
        names = "--admin-keys",
        paramLabel = "FILE",
        description =
            "An authorized_keys file whose keys see every host's directory with full rights"
                + " (hooks, deletions).")
    Path adminKeys;

    @Option(
        names = "--host-key",
        paramLabel = "FILE",
        description =
            "The master's own key (default: DIR/.pacha-master/host_key), made on first start.")
    Path hostKey;

    @Option(
        names = "--max-startups",
        paramLabel = "N",
        description = "Connections that have not logged in yet, in all (default: 100).")
    Integer maxStartups;

    @Option(
        names = "--max-startups-per-source",
        paramLabel = "N",
        description = "Of those, from one address (default: 20).")
    Integer maxStartupsPerSource;

    @Option(
        names = "--login-grace-time",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long a connection may take to log in (default: 60s).")
    Duration loginGraceTime;

    @Option(
        names = "--idle-timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long a logged-in connection may stay silent (default: 10m).")
    Duration idleTimeout;

    @Option(
        names = "--max-sessions",
        paramLabel = "N",
        description = "Connections logged in at once under one host's name (default: 10).")
    Integer maxSessions;

    /** The options, then the master's config, then the defaults. */
    MasterSettings settings(Optional<PachaConfig> config) {
      Optional<PachaConfig.ServeSettings> serve = config.map(PachaConfig::serve);
      Path hosts = hostsPath;
      if (hosts == null) {
        hosts =
            config
                .map(c -> Path.of(c.hostsPath()))
                .orElseThrow(
                    () ->
                        new ParameterException(
                            spec.commandLine(),
                            "give --hosts-path DIR, or a config that says pacha.master = True and"
                                + " sets pacha.hosts.path (--config /etc/pacha/master.conf)"));
      }
      int p = pick(port, serve.flatMap(PachaConfig.ServeSettings::port), 2222);
      if (p < 0 || p > 65535) {
        throw new ParameterException(
            spec.commandLine(), "--port must be 0 to 65535 (0 picks a free port)");
      }
      MasterSettings.Limits d = MasterSettings.Limits.DEFAULTS;
      MasterSettings.Limits limits =
          new MasterSettings.Limits(
              positive(
                  "--max-startups",
                  pick(
                      maxStartups,
                      serve.flatMap(PachaConfig.ServeSettings::maxStartups),
                      d.maxStartups())),
              positive(
                  "--max-startups-per-source",
                  pick(
                      maxStartupsPerSource,
                      serve.flatMap(PachaConfig.ServeSettings::maxStartupsPerSource),
                      d.maxStartupsPerSource())),
              positive(
                  "--login-grace-time",
                  pick(
                      loginGraceTime,
                      serve.flatMap(PachaConfig.ServeSettings::loginGraceTime),
                      d.loginGraceTime())),
              positive(
                  "--idle-timeout",
                  pick(
                      idleTimeout,
                      serve.flatMap(PachaConfig.ServeSettings::idleTimeout),
                      d.idleTimeout())),
              positive(
                  "--max-sessions",
                  pick(
                      maxSessions,
                      serve.flatMap(PachaConfig.ServeSettings::maxSessions),
                      d.maxSessions())));
      return new MasterSettings(
          hosts,
          pick(bind, serve.flatMap(PachaConfig.ServeSettings::bind), "0.0.0.0"),
          p,
          Optional.ofNullable(adminKeys).or(() -> serve.flatMap(s -> s.adminKeys())),
          Optional.ofNullable(hostKey).or(() -> serve.flatMap(s -> s.hostKey())),
          MasterSettings.DEFAULT_STOP_GRACE,
          Cli.root(spec).global.verbose,
          limits);
    }

    private static <T> T pick(T option, Optional<T> configured, T fallback) {
      return option != null ? option : configured.orElse(fallback);
    }

    private int positive(String option, int n) {
      if (n < 1) {
        throw new ParameterException(spec.commandLine(), option + " must be at least 1");
      }
      return n;
    }

    private Duration positive(String option, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new ParameterException(spec.commandLine(), option + " must be at least 1s");
      }
      return d;
    }

    @Override
    public Integer call() throws InterruptedException {
      MasterSettings settings = settings(Masters.masterConfig(spec));
      boolean verbose = settings.verbose();
      Cli.Context ctx = Cli.context(spec);
      MasterServer server = MasterServer.start(settings, ConsoleReporter.of(spec, false));
      // SIGTERM: stop the server, then let this thread say so before the JVM halts (the JVM
      // exits as soon as its shutdown hooks end, which raced the last line).
      java.util.concurrent.CountDownLatch said = new java.util.concurrent.CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    try {
                      said.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "pacha-master-stop"));
      PrintWriter out = ctx.out();
      String name = server.address();
      out.println("pacha master serving " + server.hostsPath());
      out.println("Listening on " + server.bind() + ":" + server.port());
      out.println(
          "Host key: "
              + server.hostKeyType()
              + " "
              + server.fingerprint()
              + " ("
              + (server.hostKeyCreated() ? "new, " : "")
              + server.hostKeyFile()
              + ")");
      out.println("known_hosts line for the hosts (pacha.ssh.known_hosts):");
      out.println("  " + server.knownHostsLine(name));
      out.println(
          "Hosts connect with pacha.master.url = sftp://HOST@"
              + name
              + ":"
              + server.port()
              + "/ once added with: pacha host add HOST --key HOST.pub");
      if (server.adminKeyCount() > 0) {
        out.println(
            "Admin keys: "
                + server.adminKeyCount()
                + " from "
                + settings.adminKeys().map(Path::toString).orElse(""));
      }
      out.println("Stop with Ctrl-C or SIGTERM.");
      out.flush();
      server.awaitStop();
      out.println("pacha master stopped");
      out.flush();
      said.countDown();
      return ExitCodes.OK;
    }
  }
}
