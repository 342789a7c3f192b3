package dev.pacha.cli;

import dev.pacha.master.MasterServer;
import dev.pacha.master.MasterSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    subcommands = {MasterCommand.Serve.class})
final class MasterCommand {

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Serve the hosts path over SFTP until stopped (SIGTERM or Ctrl-C lets pushes finish).",
        "Each host logs in as its own name with a key added by `pacha host add NAME --key"
            + " KEY.pub` and sees only its own directory; hosts use",
        "pacha.master.url = sftp://NAME@MASTER:PORT/ . Needs no config file."
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--hosts-path",
        required = true,
        paramLabel = "DIR",
        description = "The directory with one directory per host (made when missing).")
    Path hostsPath;

    @Option(
        names = "--port",
        defaultValue = "2222",
        paramLabel = "PORT",
        description = "TCP port (default: ${DEFAULT-VALUE}); 0 picks a free one and prints it.")
    int port;

    @Option(
        names = "--bind",
        defaultValue = "0.0.0.0",
        paramLabel = "ADDRESS",
        description = "Address to listen on (default: ${DEFAULT-VALUE}, every address).")
    String bind;

    @Option(
        names = "--admin-keys",
        paramLabel = "FILE",
        description = "An authorized_keys file whose keys see every host's directory.")
    Path adminKeys;

    @Option(
        names = "--host-key",
        paramLabel = "FILE",
        description =
            "The master's own key (default: DIR/.pacha-master/host_key), made on first start.")
    Path hostKey;

    @Override
    public Integer call() throws InterruptedException {
      if (port < 0 || port > 65535) {
        throw new ParameterException(
            spec.commandLine(), "--port must be 0 to 65535 (0 picks a free port)");
      }
      boolean verbose = Cli.root(spec).global.verbose;
      Cli.Context ctx = Cli.context(spec);
      MasterSettings settings =
          new MasterSettings(
              hostsPath,
              bind,
              port,
              Optional.ofNullable(adminKeys),
              Optional.ofNullable(hostKey),
              MasterSettings.DEFAULT_STOP_GRACE,
              verbose);
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
        out.println("Admin keys: " + server.adminKeyCount() + " from " + adminKeys);
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
