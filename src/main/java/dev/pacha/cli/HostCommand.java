package dev.pacha.cli;

import dev.pacha.json.Json;
import dev.pacha.master.MasterHosts;
import dev.pacha.master.MasterKeys;
import dev.pacha.store.MasterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha host add | list | keys | revoke | remove: the hosts of the master. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Manage hosts on the master.",
    subcommands = {
      HostCommand.Add.class,
      HostCommand.ListHosts.class,
      HostCommand.Keys.class,
      HostCommand.Revoke.class,
      HostCommand.Remove.class
    })
final class HostCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "On the embedded master: every host, with how many keys may log in as it and how many"
              + " snapshots it holds.")
  static final class ListHosts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
      List<MasterHosts.Entry> hosts = MasterHosts.list(Cli.config(spec));
      PrintWriter out = Cli.context(spec).out();
      if (json) {
        out.println(Json.write(hosts.stream().map(HostCommand::row).toList()));
        return ExitCodes.OK;
      }
      if (hosts.isEmpty()) {
        out.println("No hosts yet; add one with: pacha host add NAME --key NAME.pub");
        return ExitCodes.OK;
      }
      int width = hosts.stream().mapToInt(h -> h.host().length()).max().orElse(4);
      out.println(pad("HOST", width) + "  KEYS  SNAPSHOTS  DIRECTORY");
      for (MasterHosts.Entry h : hosts) {
        out.println(
            pad(h.host(), width)
                + "  "
                + pad(String.valueOf(h.keys()), 4)
                + "  "
                + pad(String.valueOf(h.snapshots()), 9)
                + "  "
                + h.directory().map(Path::toString).orElse("(none)"));
      }
      return ExitCodes.OK;
    }
  }

  /** A host for --json, with plain fields. */
  record HostRow(String host, int keys, String directory, int snapshots) {}

  static HostRow row(MasterHosts.Entry h) {
    return new HostRow(
        h.host(), h.keys(), h.directory().map(Path::toString).orElse(null), h.snapshots());
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "On the embedded master: the keys that may log in as NAME.")
  static final class Keys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
      List<MasterKeys.KeyInfo> keys = MasterHosts.keys(Cli.config(spec), name);
      PrintWriter out = Cli.context(spec).out();
      if (json) {
        out.println(Json.write(keys));
        return ExitCodes.OK;
      }
      if (keys.isEmpty()) {
        out.println(name + " has no key: it cannot log in (pacha host add " + name + " --key)");
      }
      for (MasterKeys.KeyInfo k : keys) {
        out.println(
            k.type() + " " + k.fingerprint() + (k.comment().isEmpty() ? "" : " " + k.comment()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "On the embedded master: take a key away from NAME. KEY is its fingerprint (SHA256:...,"
            + " as `pacha host keys NAME` shows) or its .pub file.",
        "New logins with it are refused at once, and a connection already logged in with it from"
            + " the next file or directory it opens."
      })
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
      MasterKeys.Revoked r = MasterHosts.revoke(Cli.config(spec), name, key);
      PrintWriter out = Cli.context(spec).out();
      for (MasterKeys.KeyInfo k : r.revoked()) {
        out.println("Revoked " + k.type() + " " + k.fingerprint() + " of " + name);
      }
      out.println(
          name
              + " has "
              + r.left()
              + (r.left() == 1 ? " key" : " keys")
              + " left ("
              + r.file()
              + ")"
              + (r.left() == 0 ? "; it can no longer log in" : ""));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "On the embedded master: remove NAME's keys, so it can no longer log in. Its directory"
            + " (snapshots, hooks) stays unless --delete-data is given."
      })
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--delete-data",
        description = "Also delete NAME's directory on the master: every snapshot and hook.")
    boolean deleteData;

    @Override
    public Integer call() {
      MasterHosts.Removed r = MasterHosts.remove(Cli.config(spec), name, deleteData);
      PrintWriter out = Cli.context(spec).out();
      out.println(
          "Removed "
              + r.keys()
              + (r.keys() == 1 ? " key" : " keys")
              + " of "
              + name
              + ": it can no longer log in");
      if (r.dataRemoved()) {
        out.println("Deleted " + name + "'s data: " + r.directory().orElseThrow());
      } else if (r.directory().isPresent()) {
        out.println(
            name
                + "'s data stays in "
                + r.directory().get()
                + " (pacha host remove "
                + name
                + " --delete-data deletes it)");
      }
      return ExitCodes.OK;
    }
  }

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
