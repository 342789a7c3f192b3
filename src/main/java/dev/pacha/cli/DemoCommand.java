package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.master.MasterKeys;
import dev.pacha.master.MasterServer;
import dev.pacha.master.MasterSettings;
import dev.pacha.track.Entry;
import dev.pacha.track.Scanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * pacha demo: the seed's crash story, for real, with nothing to set up. An embedded master on a
 * free loopback port, host bar with its own key, the seed's 13-line config, /opt/foo (inside a
 * sandbox) tracked and pushed, a crash, and a rebuild with a pre- and a post-hook. Every step runs
 * the command a user would type, through this same command line.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the seed's crash story on an embedded master: bar tracks /opt/foo (in a sandbox),",
      "pushes, crashes, and is rebuilt with its hooks. Exits 0 only if the rebuilt tree matches",
      "the original exactly. Needs no setup and changes nothing outside its work directory."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where to run (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--keep", description = "Keep the work directory afterwards, to look around.")
  boolean keep;

  private PrintWriter out;
  private Cli.Context ctx;

  @Override
  public Integer call() throws IOException {
    ctx = Cli.context(spec);
    out = ctx.out();
    Path dir =
        workDir != null
            ? Files.createDirectories(workDir.toAbsolutePath())
            : Files.createTempDirectory("pacha-demo-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    boolean root = isRoot();
    try (MasterServer master = startMaster(dir)) {
      return story(dir, master, root);
    } finally {
      if (!keep) {
        delete(dir);
      } else {
        out.println("The demo's files are kept in " + dir);
      }
    }
  }

  private MasterServer startMaster(Path dir) {
    Path hosts = dir.resolve("master/hosts");
    say("On the master: start the embedded SFTP master on a free loopback port");
    command("pacha master serve --hosts-path " + hosts + " --port 0 --bind 127.0.0.1 &");
    MasterServer master =
        MasterServer.start(MasterSettings.of(hosts, "127.0.0.1", 0), Reporter.silent());
    out.println("  listening on 127.0.0.1:" + master.port() + ", host key " + master.fingerprint());
    return master;
  }

  private int story(Path dir, MasterServer master, boolean root) throws IOException {
    Path hosts = master.hostsPath();
    Path masterConf = dir.resolve("master/pacha.conf");
    Files.writeString(
        masterConf, "[DEFAULT]\npacha.master = True\npacha.hosts.path = " + hosts + "\n");

    say("On bar: a key for the master");
    Path key = dir.resolve("bar/id_ed25519");
    command("ssh-keygen -t ed25519 -N '' -f " + key + "   (done in Java: nothing to install)");
    MasterKeys.generate(key, "root@bar");

    say("On the master: add host bar with its key (bar's key sees only bar's directory)");
    run("--config", masterConf.toString(), "host", "add", "bar", "--key", key + ".pub");

    say("On bar: the seed's 13-line config, pointing at this master");
    Path knownHosts = dir.resolve("bar/known_hosts");
    Files.writeString(knownHosts, master.knownHostsLine("127.0.0.1") + "\n");
    Path conf = dir.resolve("bar/pacha.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "[DEFAULT]",
            "",
            "###################################",
            "# Pacha Server Configuration",
            "###################################",
            "",
            "pacha.frequency = 12",
            "",
            "# Pacha master server",
            "pacha.host = 127.0.0.1",
            "",
            "pacha.ssh.user = bar",
            "",
            "pacha.hosts.path = /",
            "",
            "# For the demo: the master's port, bar's key and name, a private state dir, and the"
                + " SSH client built into pacha (no ssh program needed)",
            "pacha.ssh.port = " + master.port(),
            "pacha.ssh.identity = " + key,
            "pacha.ssh.known_hosts = " + knownHosts,
            "pacha.hostname = bar",
            "pacha.state.dir = " + dir.resolve("bar/state"),
            "pacha.ssh.client = builtin",
            ""));
    out.println(indent(Files.readString(conf)));

    Path sandbox = dir.resolve("bar/root");
    Path foo = sandbox.resolve("opt/foo");
    say("On bar: /opt/foo holds configuration that matters (in the sandbox " + sandbox + ")");
    makeSample(foo, root);
    listTree(foo, sandbox);

    say("On bar: track /opt/foo; pacha pushes it at once");
    run(
        "--config",
        conf.toString(),
        "--watch",
        foo.toString(),
        "--target-root",
        sandbox.toString());

    say("On the master: bar's hooks, run only when bar is rebuilt");
    Path pre = Files.createDirectories(hosts.resolve("bar/pacha_pre"));
    Path post = Files.createDirectories(hosts.resolve("bar/pacha_post"));
    Files.writeString(
        pre.resolve("10-packages"),
        "#!/bin/sh\necho \"pre-hook on $PACHA_HOST: install packages, create users (files are not placed yet)\"\n");
    Files.writeString(
        post.resolve("90-notify"),
        "#!/bin/sh\necho \"post-hook on $PACHA_HOST: every file is back; tell the team\"\n");
    for (Path hook : List.of(pre.resolve("10-packages"), post.resolve("90-notify"))) {
      command("cat " + hook);
      out.println(indent(Files.readString(hook)));
    }
    run("--config", conf.toString(), "verify", "bar");

    Map<String, Entry> before = describe(foo, sandbox);
    say("Bar crashes: its disk is gone");
    command("rm -rf " + sandbox);
    delete(sandbox);

    say("A new machine with bar's key and config rebuilds bar (--yes: nobody is at the console)");
    int code =
        run(
            "--config",
            conf.toString(),
            "--rebuild",
            "bar",
            "--yes",
            "--target-root",
            sandbox.toString());
    if (code != 0) {
      out.println("The rebuild failed (exit " + code + ")");
      return code;
    }

    say("The restored tree, with owners and modes");
    listTree(foo, sandbox);
    say("The rebuild's report");
    Path report = latestReport(dir.resolve("bar/state/reports"));
    command("cat " + report);
    out.println(indent(Files.readString(report)));

    Map<String, Entry> after = describe(foo, sandbox);
    List<String> differences = new ArrayList<>();
    for (String p : before.keySet()) {
      if (!before.get(p).equals(after.get(p))) {
        differences.add(p);
      }
    }
    for (String p : after.keySet()) {
      if (!before.containsKey(p)) {
        differences.add(p);
      }
    }
    if (!differences.isEmpty()) {
      out.println("MISMATCH: these entries differ after the rebuild: " + differences);
      return ExitCodes.FAILED;
    }
    out.println();
    out.println(
        "Bar is back: all "
            + before.size()
            + " entries of /opt/foo match the original in content, type,"
            + " owner, group, mode and mtime"
            + (root ? "." : " (run as root to see owners restored too)."));
    return ExitCodes.OK;
  }

  /** A small /opt/foo like the seed's, with the owners and modes that are easy to lose. */
  private static void makeSample(Path foo, boolean root) throws IOException {
    Files.createDirectories(foo.resolve("conf.d"));
    Files.createDirectories(foo.resolve("spool"));
    Files.createDirectories(foo.resolve("empty"));
    Files.createDirectories(foo.resolve("bin"));
    Files.writeString(
        foo.resolve("foo.conf"), "# the production settings of foo\nlisten 8080\nworkers 4\n");
    Files.writeString(foo.resolve("conf.d/secret.key"), "s3cr3t-t0ken\n");
    Files.writeString(foo.resolve("bin/helper"), "#!/bin/sh\necho helper\n");
    Files.write(
        foo.resolve("pacha.db"),
        "tracked files and their owners\n".repeat(600).getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(foo.resolve("current.conf"), Path.of("foo.conf"));
    mode(foo.resolve("conf.d/secret.key"), 0600);
    mode(foo.resolve("bin/helper"), 0755);
    mode(foo.resolve("spool"), 01777);
    mode(foo.resolve("empty"), 0700);
    if (root) {
      owner(foo.resolve("bin/helper"), "daemon", "adm");
      mode(foo.resolve("bin/helper"), 04755); // after chown, which clears setuid
      owner(foo.resolve("spool"), "daemon", "daemon");
      owner(foo.resolve("conf.d"), "root", "adm");
      mode(foo.resolve("conf.d"), 02750);
    }
    FileTime t = FileTime.from(Instant.parse("2010-06-01T12:00:00Z"));
    for (String p :
        List.of(
            "foo.conf",
            "conf.d/secret.key",
            "bin/helper",
            "pacha.db",
            "conf.d",
            "spool",
            "empty",
            "bin",
            ".")) {
      Files.setLastModifiedTime(foo.resolve(p), t);
    }
  }

  private static void mode(Path p, int bits) throws IOException {
    Files.setAttribute(p, "unix:mode", bits, LinkOption.NOFOLLOW_LINKS);
  }

  private static void owner(Path p, String user, String group) throws IOException {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView v =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    v.setOwner(users.lookupPrincipalByName(user));
    v.setGroup(users.lookupPrincipalByGroupName(group));
  }

  /** Every entry by path; a symlink's own mtime is compared to the microsecond (lutimes). */
  private static Map<String, Entry> describe(Path foo, Path sandbox) {
    Map<String, Entry> m = new java.util.TreeMap<>();
    for (Entry e : new Scanner(sandbox).scan(List.of("/opt/foo")).entries()) {
      if (e.isSymlink()) {
        Instant t = Instant.parse(e.mtime());
        e =
            new Entry(
                e.path(),
                e.type(),
                e.mode(),
                e.uid(),
                e.gid(),
                e.owner(),
                e.group(),
                e.size(),
                t.minusNanos(t.getNano() % 1000).toString(),
                e.sha256(),
                e.target());
      }
      m.put(e.path(), e);
    }
    return m;
  }

  private void listTree(Path foo, Path sandbox) {
    command("ls -lR /opt/foo");
    for (Entry e : new Scanner(sandbox).scan(List.of("/opt/foo")).entries()) {
      out.println(
          String.format(
              "  %s %-7s %-7s %6d  %s%s",
              modeString(e),
              e.owner(),
              e.group(),
              e.size(),
              e.path(),
              e.isSymlink() ? " -> " + e.target() : ""));
    }
  }

  private static String modeString(Entry e) {
    int m = e.modeBits();
    char[] c = (e.isDir() ? "d" : e.isSymlink() ? "l" : "-").concat("rwxrwxrwx").toCharArray();
    for (int i = 0; i < 9; i++) {
      if ((m & (1 << (8 - i))) == 0) {
        c[i + 1] = '-';
      }
    }
    if ((m & 04000) != 0) {
      c[3] = c[3] == 'x' ? 's' : 'S';
    }
    if ((m & 02000) != 0) {
      c[6] = c[6] == 'x' ? 's' : 'S';
    }
    if ((m & 01000) != 0) {
      c[9] = c[9] == 'x' ? 't' : 'T';
    }
    return new String(c);
  }

  /** Runs a pacha command line as a user would type it, and shows it. */
  private int run(String... args) {
    command("pacha " + String.join(" ", args));
    int code =
        Cli.execute(args, new Cli.Context(ctx.env(), out, ctx.err(), ctx.in(), ctx.terminal()));
    if (code != 0) {
      throw new PachaException(
          PachaException.Kind.FAILED,
          "the demo step `pacha " + String.join(" ", args) + "` exited " + code);
    }
    return code;
  }

  private void say(String what) {
    out.println();
    out.println("== " + what);
  }

  private void command(String line) {
    out.println("$ " + line);
    out.flush();
  }

  private static String indent(String text) {
    return "  " + text.stripTrailing().replace("\n", "\n  ");
  }

  private static Path latestReport(Path reports) throws IOException {
    try (Stream<Path> s = Files.list(reports)) {
      return s.sorted()
          .reduce((a, b) -> b)
          .orElseThrow(() -> new IOException("no report in " + reports));
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(x);
      }
    }
  }
}
