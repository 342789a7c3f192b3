package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.TreeState;
import dev.pacha.track.StateDir;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's crash story, for real: host bar tracks /opt/foo (inside a sandbox), pushes to a
 * loopback OpenSSH master, "crashes", and is rebuilt with its hooks. Runs as root (CI does), so
 * owners can be restored.
 */
class RebuildIT {
  @TempDir Path tmp;
  OpenSshServer sshd;
  PachaCli pacha;
  Path sandbox;
  Path foo;
  Path master;
  Path config;
  Path hookLog;
  Map<String, String> original;

  @BeforeEach
  void pushBar() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    pacha = new PachaCli(tmp);
    sandbox = tmp.resolve("sandbox");
    master = tmp.resolve("master");
    hookLog = tmp.resolve("hooks.log");
    Files.createDirectories(master);
    config =
        sshd.config(
            tmp.resolve("pacha.conf"),
            "bar",
            master,
            tmp.resolve("state"),
            "pacha.rebuild.backups = " + tmp.resolve("backups"));
    foo = sandbox.resolve("opt/foo");
    makeTree(foo);
    original = TreeState.of(foo);
    PachaCli.Run watch = cli("--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(0, watch.code(), watch::toString);
    writeHooks();
  }

  @AfterEach
  void stop() throws Exception {
    sshd.close();
  }

  /** Files of several owners and modes: setuid, sticky dir, private file, links, empty dir. */
  private static void makeTree(Path foo) throws Exception {
    Files.createDirectories(foo.resolve("conf.d"));
    Files.createDirectories(foo.resolve("empty"));
    Files.createDirectories(foo.resolve("spool"));
    Files.writeString(foo.resolve("app.conf"), "listen 8080\n");
    Files.writeString(foo.resolve("conf.d/secret.key"), "s3cr3t\n");
    Files.writeString(foo.resolve("bin-helper"), "#!/bin/sh\necho helper\n");
    Files.writeString(foo.resolve("spool/queue"), "");
    Files.createSymbolicLink(foo.resolve("current.conf"), Path.of("app.conf"));
    Files.createSymbolicLink(foo.resolve("dangling"), Path.of("/nonexistent/target"));
    UserPrincipalLookupService users = foo.getFileSystem().getUserPrincipalLookupService();
    own(foo.resolve("bin-helper"), "daemon", "adm", 04755);
    own(foo.resolve("conf.d/secret.key"), "root", "root", 0600);
    own(foo.resolve("spool"), "daemon", "daemon", 01777);
    own(foo.resolve("conf.d"), "root", "adm", 02750);
    own(foo.resolve("empty"), "nobody", "nogroup", 0700);
    PosixFileAttributeView link =
        Files.getFileAttributeView(
            foo.resolve("current.conf"), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    link.setOwner(users.lookupPrincipalByName("daemon"));
    // A distinct, old mtime everywhere, set last (directories after their contents).
    FileTime t = FileTime.from(Instant.parse("2011-03-04T05:06:07.123456789Z"));
    for (String p :
        List.of(
            "app.conf",
            "conf.d/secret.key",
            "bin-helper",
            "spool/queue",
            "spool",
            "conf.d",
            "empty",
            ".")) {
      Files.setLastModifiedTime(foo.resolve(p), t);
    }
  }

  private static void own(Path p, String user, String group, int mode) throws Exception {
    UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView v =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    v.setOwner(users.lookupPrincipalByName(user));
    GroupPrincipal g = users.lookupPrincipalByGroupName(group);
    v.setGroup(g);
    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Hooks whose byte order (B-, a-, b-) differs from a case-blind alphabetical order (a, B, b) and,
   * with this many names, almost surely from directory order. Each logs its phase and name, and
   * whether the files were in place when it ran. One is Perl, to show any language runs.
   */
  private void writeHooks() throws Exception {
    Path pre = master.resolve("bar/pacha_pre");
    Path post = master.resolve("bar/post_pacha"); // the seed's other spelling
    Files.createDirectories(pre);
    Files.createDirectories(post);
    String log = hookLog.toString();
    for (String name : List.of("b-packages", "B-users", "a-check", "c-sysctl", "10-first")) {
      Files.writeString(pre.resolve(name), shellHook(log));
    }
    Files.writeString(pre.resolve(".disabled"), "#!/bin/sh\necho dotfile >> " + log + "\n");
    Files.writeString(post.resolve("z-notify"), shellHook(log));
    Files.writeString(
        post.resolve("m-perl"),
        "#!/usr/bin/perl\n"
            + "open(my $f, '>>', '"
            + log
            + "') or die;\n"
            + "my $placed = -e \"$ENV{PACHA_TARGET_ROOT}/opt/foo/app.conf\" ? 'placed' : 'absent';\n"
            + "print $f \"$ENV{PACHA_PHASE} m-perl $ENV{PACHA_HOST} $placed\\n\";\n");
  }

  private static String shellHook(String log) {
    return "#!/bin/sh\n"
        + "set -e\n"
        + "if [ -e \"$PACHA_TARGET_ROOT/opt/foo/app.conf\" ]; then s=placed; else s=absent; fi\n"
        + "echo \"$PACHA_PHASE $(basename \"$0\") $PACHA_HOST $s\" >> "
        + log
        + "\n"
        + "[ -d \"$PACHA_STAGING_DIR\" ] && [ -n \"$PACHA_SNAPSHOT\" ]\n"
        // The staging dir holds the snapshot's manifest, as the master has it.
        + "grep -q \"\\\"id\\\" : \\\"$PACHA_SNAPSHOT\\\"\" \"$PACHA_STAGING_DIR/manifest.json\"\n";
  }

  private PachaCli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return pacha.run(all.toArray(String[]::new));
  }

  private PachaCli.Run rebuild(String... extra) {
    List<String> all =
        new ArrayList<>(List.of("--rebuild", "bar", "--yes", "--target-root", sandbox.toString()));
    all.addAll(List.of(extra));
    return cli(all.toArray(String[]::new));
  }

  /** A full rebuild of bar under the sandbox with another config file. */
  private PachaCli.Run rebuildWith(Path cfg) {
    return pacha.run(
        "--config", cfg.toString(), "rebuild", "bar", "--yes", "--target-root", sandbox.toString());
  }

  private Path onlyPack() throws Exception {
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      return s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
  }

  @Test
  void rebuild_afterCrash_restoresEveryEntryAndRunsHooksInByteOrder() throws Exception {
    deleteTree(sandbox); // the crash

    PachaCli.Run r = rebuild();
    assertEquals(0, r.code(), r::toString);
    assertEquals(original, TreeState.of(foo), "content, type, owner, group, mode and mtime");
    assertEquals(
        List.of(
            "pre 10-first bar absent",
            "pre B-users bar absent",
            "pre a-check bar absent",
            "pre b-packages bar absent",
            "pre c-sysctl bar absent",
            "post m-perl bar placed",
            "post z-notify bar placed"),
        Files.readAllLines(hookLog));
    Path report = Path.of(r.out().substring(r.out().indexOf("Report: ") + 8).trim());
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals("ok", json.get("outcome").asText());
    assertEquals(7, json.get("hooks").size());
    assertEquals(0, json.get("hooks").get(0).get("exitCode").asInt());
  }

  @Test
  void rebuild_somethingInTheWay_movedToBackupsNeverDeleted() throws Exception {
    Files.writeString(foo.resolve("app.conf"), "local edit\n");
    Files.writeString(foo.resolve("extra.conf"), "not in the snapshot\n");

    PachaCli.Run r = rebuild("--json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(original, TreeState.of(foo));
    JsonNode json = new ObjectMapper().readTree(r.out());
    Path backup = Path.of(json.get("backedUp").get(0).get("backup").asText());
    assertTrue(backup.startsWith(tmp.resolve("backups")), backup::toString);
    assertEquals("local edit\n", Files.readString(backup.resolve("app.conf")));
    assertEquals("not in the snapshot\n", Files.readString(backup.resolve("extra.conf")));
  }

  @Test
  void rebuild_preHookFails_exitsFiveAndPlacesNothing() throws Exception {
    Files.writeString(
        master.resolve("bar/pacha_pre/b-packages"), "#!/bin/sh\necho no network >&2\nexit 1\n");
    deleteTree(foo);

    PachaCli.Run r = rebuild("--json");
    assertEquals(5, r.code(), r::toString);
    assertFalse(Files.exists(foo), "nothing placed");
    assertTrue(r.err().contains("b-packages"), r::toString);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals("hook", json.get("outcome").asText());
    JsonNode last = json.get("hooks").get(json.get("hooks").size() - 1);
    assertEquals("b-packages", last.get("name").asText());
    assertTrue(last.get("output").asText().contains("no network"));
    assertFalse(Files.readString(hookLog).contains("post "), "post-hooks did not run");
  }

  @Test
  void rebuild_postHookFails_allPostHooksRunFilesPlacedExitFive() throws Exception {
    Files.writeString(master.resolve("bar/post_pacha/a-fails"), "#!/bin/sh\nexit 3\n");
    deleteTree(foo);

    PachaCli.Run r = rebuild();
    assertEquals(5, r.code(), r::toString);
    assertEquals(original, TreeState.of(foo));
    assertTrue(
        Files.readString(hookLog).contains("post z-notify bar placed"), "later hooks still ran");
  }

  @Test
  void rebuild_corruptedObject_exitsFourAndPlacesNothing() throws Exception {
    Path pack = onlyPack();
    byte[] bytes = Files.readAllBytes(pack);
    bytes[0] ^= 0x20;
    Files.write(pack, bytes);
    deleteTree(foo);

    PachaCli.Run r = rebuild();
    assertEquals(4, r.code(), r::toString);
    assertTrue(r.err().contains("/opt/foo/"), r::toString);
    assertFalse(Files.exists(foo), "nothing placed");
    assertFalse(Files.exists(hookLog), "no hook ran");
  }

  @Test
  void rebuild_directory_restoresOneRootWithoutHooks() throws Exception {
    Path other = sandbox.resolve("etc/other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("x.conf"), "x\n");
    assertEquals(0, cli("--watch", other.toString(), "--target-root", sandbox.toString()).code());
    deleteTree(sandbox);

    PachaCli.Run r = rebuild("--directory", "foo");
    assertEquals(0, r.code(), r::toString);
    assertEquals(original, TreeState.of(foo));
    assertFalse(Files.exists(other), "the other root was not touched");
    assertFalse(Files.exists(hookLog), "no hooks with --directory");
  }

  @Test
  void rebuild_dryRun_printsPlanAndChangesNothing() throws Exception {
    Files.writeString(foo.resolve("app.conf"), "local edit\n");
    Map<String, String> before = TreeState.of(sandbox);

    PachaCli.Run r = cli("rebuild", "bar", "--dry-run", "--target-root", sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("Would rebuild bar"), r::toString);
    assertTrue(r.out().contains("back up   /opt/foo"), r::toString);
    assertTrue(r.out().contains("run hook  pre/a-check"), r::toString);
    assertEquals(before, TreeState.of(sandbox));
    assertFalse(Files.exists(hookLog));
  }

  @Test
  void rebuild_olderSnapshot_restoresThatState() throws Exception {
    String first =
        new ObjectMapper().readTree(cli("log", "bar", "--json").out()).get(0).get("id").asText();
    Files.writeString(foo.resolve("app.conf"), "listen 9090\n");
    assertEquals(0, cli("push").code());
    deleteTree(foo);

    PachaCli.Run r = rebuild("--snapshot", first);
    assertEquals(0, r.code(), r::toString);
    assertEquals("listen 8080\n", Files.readString(foo.resolve("app.conf")));
    // The host carries on from what it was rebuilt to: the state names that snapshot, so the
    // next push finds the tree changed since the latest one and pushes it.
    assertTrue(
        Files.readString(tmp.resolve("state/last-push.fingerprint")).startsWith(first + " "));
    PachaCli.Run push = cli("push");
    assertTrue(push.out().contains("Pushed snapshot"), push::toString);
    assertTrue(cli("push").out().contains("Nothing changed"));
  }

  @Test
  void rebuild_missingOwner_skipsByDefaultNumericOrFailsByPolicy() throws Exception {
    // Rename the recorded owner of one file to a user this host does not have.
    Path manifest;
    try (Stream<Path> s = Files.list(master.resolve("bar/snapshots"))) {
      manifest = s.findFirst().orElseThrow();
    }
    String text = Files.readString(manifest);
    Files.writeString(
        manifest,
        text.replace(
            "\"owner\" : \"daemon\",\n    \"group\" : \"adm\"",
            "\"owner\" : \"ghost-user\",\n    \"group\" : \"adm\""));
    assertNotEquals(text, Files.readString(manifest), "the manifest was edited");

    deleteTree(foo);
    PachaCli.Run skip = rebuild("--json");
    assertEquals(0, skip.code(), skip::toString);
    assertEquals(
        "root", Files.getOwner(foo.resolve("bin-helper"), LinkOption.NOFOLLOW_LINKS).getName());
    assertTrue(skip.out().contains("user ghost-user does not exist here"), skip::toString);

    Path numeric =
        Files.writeString(
            tmp.resolve("numeric.conf"),
            Files.readString(config) + "pacha.rebuild.missing_owner = numeric\n");
    deleteTree(foo);
    PachaCli.Run n = rebuildWith(numeric);
    assertEquals(0, n.code(), n::toString);
    assertEquals(
        1, Files.getAttribute(foo.resolve("bin-helper"), "unix:uid", LinkOption.NOFOLLOW_LINKS));

    Path fail =
        Files.writeString(
            tmp.resolve("fail.conf"),
            Files.readString(config) + "pacha.rebuild.missing_owner = fail\n");
    deleteTree(foo);
    PachaCli.Run f = rebuildWith(fail);
    assertEquals(1, f.code(), f::toString);
    assertTrue(f.err().contains("ghost-user"), f::toString);
    assertFalse(Files.exists(foo), "nothing placed");

    // The seed's hook story: a pre-hook creates the user, so owners are checked after the hooks.
    Path hook =
        Files.writeString(
            master.resolve("bar/pacha_pre/00-ghost"),
            "#!/bin/sh\nuseradd --system --no-create-home --shell /usr/sbin/nologin ghost-user\n");
    try {
      PachaCli.Run created = rebuildWith(fail);
      assertEquals(0, created.code(), created::toString);
      assertEquals(
          "ghost-user",
          Files.getOwner(foo.resolve("bin-helper"), LinkOption.NOFOLLOW_LINKS).getName());
      assertFalse(created.toString().contains("not on this host"), created::toString);
    } finally {
      new ProcessBuilder("userdel", "ghost-user").inheritIO().start().waitFor();
      Files.delete(hook);
    }
  }

  @Test
  void rebuild_whileAnotherRunHoldsTheLock_exitsSix() throws Exception {
    try (StateDir.Lock held = new StateDir(tmp.resolve("state")).lock("test")) {
      assertTrue(held != null);
      PachaCli.Run r = rebuild();
      assertEquals(6, r.code(), r::toString);
      assertTrue(r.err().contains("another pacha run"), r::toString);
    }
  }

  @Test
  void restoreDb_freshState_bringsBackTrackedPathsSoPushCarriesOn() throws Exception {
    deleteTree(tmp.resolve("state"));
    PachaCli.Run r = cli("--restore-db", "bar", "--target-root", sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("/opt/foo"), r::toString);
    PachaCli.Run status = cli("status");
    assertEquals(0, status.code(), status::toString);
    assertTrue(status.out().contains("Tracked: /opt/foo"), status::toString);
    assertTrue(status.out().contains("No changes since the last push"), status::toString);
  }

  static void deleteTree(Path p) throws Exception {
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
