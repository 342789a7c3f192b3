package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.config.ConfigLoader;
import dev.pacha.config.NoConfigException;
import dev.pacha.config.PachaConfig;
import dev.pacha.transport.LocalUser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/** Builds the command line, installs the error handlers and runs it. */
public final class Cli {
  private Cli() {}

  /**
   * What a run sees of the outside world; tests pass their own.
   *
   * @param env environment variables
   * @param out standard output
   * @param err standard error
   * @param in standard input
   * @param terminal whether a person is at a terminal (prompts are allowed)
   */
  public record Context(
      Map<String, String> env, PrintWriter out, PrintWriter err, InputStream in, boolean terminal) {

    public static Context system() {
      return new Context(
          System.getenv(),
          new PrintWriter(System.out, true, StandardCharsets.UTF_8),
          new PrintWriter(System.err, true, StandardCharsets.UTF_8),
          System.in,
          System.console() != null);
    }

    public Path home() {
      String h = env.get("HOME");
      return Path.of(h != null && !h.isBlank() ? h : System.getProperty("user.home"));
    }

    /**
     * This user as the SSH client sees them; {@code unattended} runs (first boot, the push daemon,
     * --unattended) never let ssh prompt, and neither does a run without a terminal.
     */
    public LocalUser sshUser(boolean unattended) {
      return new LocalUser(home(), env, terminal && !unattended);
    }

    BufferedReader reader() {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
  }

  /** Runs one command line and returns its exit code. */
  public static int execute(String[] args, Context context) {
    List<Class<?>> subs = subcommandsFor(args);
    CommandLine cl = commandLine(context, subs);
    if (subs.size() == 1) {
      try {
        cl.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        // Bad arguments: report them with every command known, exactly as before.
        cl = commandLine(context, PachaCommand.SUBCOMMANDS);
      }
    }
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      context
          .err()
          .println(
              "pacha: out of memory (Java heap limit "
                  + Runtime.getRuntime().maxMemory() / (1 << 20)
                  + " MiB); for very large trees raise it, e.g. PACHA_JAVA_OPTS=-Xmx1g");
      code = ExitCodes.FAILED;
    }
    context.out().flush();
    context.err().flush();
    return code;
  }

  private static CommandLine commandLine(Context context, List<Class<?>> subcommands) {
    CommandLine cl = new CommandLine(new PachaCommand(context));
    for (Class<?> sub : subcommands) {
      cl.addSubcommand(sub);
    }
    // Set after the subcommands are added: picocli passes these on to those it has.
    cl.setOut(context.out());
    cl.setErr(context.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(Cli::onError);
    cl.setParameterExceptionHandler(Cli::onBadArguments);
    cl.setExecutionStrategy(Cli::runLast);
    return cl;
  }

  /**
   * The subcommands to register: the one the arguments name, or all of them when none is named
   * (root usage lists them all; a misspelt command gets picocli's suggestion). Registering one
   * parses the same as registering all: the root takes no positional arguments, and picocli never
   * takes a command's name as an option's value.
   */
  static List<Class<?>> subcommandsFor(String[] args) {
    for (String arg : args) {
      for (Class<?> sub : PachaCommand.SUBCOMMANDS) {
        CommandLine.Command c = sub.getAnnotation(CommandLine.Command.class);
        if (c.name().equals(arg) || List.of(c.aliases()).contains(arg)) {
          return List.of(sub);
        }
      }
    }
    return PachaCommand.SUBCOMMANDS;
  }

  /**
   * picocli's default strategy, after refusing root-only options (the original's flags and the
   * rebuild options) given before a command: picocli runs only the command, so `pacha --yes rebuild
   * bar` would silently drop --yes.
   */
  private static int runLast(CommandLine.ParseResult parsed) {
    if (parsed.hasSubcommand()) {
      List<String> dropped = new ArrayList<>();
      for (OptionSpec o : parsed.matchedOptions()) {
        if (o.scopeType() != ScopeType.INHERIT && !o.usageHelp() && !o.versionHelp()) {
          dropped.add(o.longestName());
        }
      }
      if (!dropped.isEmpty()) {
        CommandLine sub = parsed.subcommand().commandSpec().commandLine();
        throw new CommandLine.ParameterException(
            sub,
            String.join(", ", dropped)
                + " before the command `"
                + sub.getCommandName()
                + "` would be ignored; give a command's options after its name");
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static int onBadArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    String name = cl.getCommandSpec().qualifiedName();
    String message =
        e instanceof CommandLine.MutuallyExclusiveArgsException
            ? "choose one of " + String.join(", ", exclusiveGiven(cl.getCommandSpec(), args))
            : e.getMessage();
    err.println("pacha: " + message + " (see: " + name + " --help)");
    if (root(cl.getCommandSpec()).global.stacktrace) {
      e.printStackTrace(err);
    }
    return ExitCodes.USAGE;
  }

  /** The options of an exclusive group that a command line gives, in the group's order. */
  static List<String> exclusiveGiven(CommandSpec spec, String[] args) {
    List<String> given = new ArrayList<>();
    for (CommandLine.Model.ArgGroupSpec g : spec.argGroups()) {
      if (!g.exclusive()) {
        continue;
      }
      for (OptionSpec o : g.options()) {
        for (String arg : args) {
          if (List.of(o.names()).stream().anyMatch(n -> arg.equals(n) || arg.startsWith(n + "="))) {
            given.add(o.longestName());
            break;
          }
        }
      }
    }
    return given;
  }

  private static int onError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    return report(e, cl.getErr(), root(cl.getCommandSpec()).global.stacktrace);
  }

  /** The one mapper: prints an error as one line (plus a trace on request), returns its code. */
  static int report(Exception e, PrintWriter err, boolean trace) {
    if (e instanceof NoConfigException none) {
      printNoConfigBox(err, none);
      return ExitCodes.USAGE;
    }
    if (e instanceof PachaException p) {
      err.println("pacha: " + p.getMessage());
      if (trace) {
        p.printStackTrace(err);
      }
      return ExitCodes.of(p.kind());
    }
    err.println(
        "pacha: unexpected error: "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + " (rerun with --stacktrace and report it)");
    if (trace) {
      e.printStackTrace(err);
    }
    return ExitCodes.FAILED;
  }

  /** The original's boxed warning, shown when no config is set up. */
  static void printNoConfigBox(PrintWriter err, NoConfigException e) {
    String[] lines = {
      "pacha could not find a configuration file.",
      "",
      "Point it at one with:",
      "    pacha --add-config /path/to/config",
      "or for a single run: --config FILE or PACHA_CONFIG=FILE.",
      "Looked at: " + e.searched(),
    };
    int width = 0;
    for (String l : lines) {
      width = Math.max(width, l.length());
    }
    String bar = "+" + "-".repeat(width + 4) + "+";
    err.println(bar);
    for (String l : lines) {
      err.println("|  " + l + " ".repeat(width - l.length()) + "  |");
    }
    err.println(bar);
  }

  static PachaCommand root(CommandSpec spec) {
    return (PachaCommand) spec.root().userObject();
  }

  /** The config for this run, found as the README says. */
  static PachaConfig config(CommandSpec spec) {
    PachaCommand root = root(spec);
    PachaConfig config =
        ConfigLoader.load(Optional.ofNullable(root.global.config), root.context.env());
    for (String w : config.warnings()) {
      root.context.err().println("pacha: warning: " + w);
    }
    return config;
  }

  static Context context(CommandSpec spec) {
    return root(spec).context;
  }
}
