package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hosts never see each other's directories: bar's key is bar's directory and nothing more. */
class MasterIsolationIT {
  @TempDir static Path keys;
  @TempDir Path tmp;
  MasterFixture m;
  Path barKey;
  Path fooKey;
  Path adminKey;
  byte[] fooSecret = "foo's database password\n".getBytes(StandardCharsets.UTF_8);

  @BeforeEach
  void start() throws Exception {
    m = new MasterFixture(tmp, keys);
    barKey = m.addHost("bar");
    fooKey = m.addHost("foo");
    adminKey = m.key("admin");
    Files.write(m.hosts.resolve("foo/secret"), fooSecret);
    Files.createDirectories(m.hosts.resolve("foo/snapshots"));
    m.start(
        MasterSettings.of(m.hosts, "127.0.0.1", 0)
            .withAdminKeys(MasterFixture.pub(adminKey))
            .withStopGrace(java.time.Duration.ofSeconds(2)));
  }

  @AfterEach
  void stop() {
    m.close();
  }

  @Test
  void list_rootAsHost_showsOnlyItsOwnDirectory() throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertEquals(List.of("bar"), bar.list(""));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "foo",
        "/foo",
        "../foo",
        "bar/../foo",
        "bar/../../../foo",
        "./foo",
        "bar/pacha_pre/../../foo",
        "foo/snapshots"
      })
  void list_otherHostsDirectory_isDenied(String path) throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertThrows(AccessDeniedException.class, () -> bar.list(path));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo/secret", "/foo/secret", "../foo/secret", "bar/../foo/secret"})
  void read_otherHostsFile_isDenied(String path) throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertThrows(AccessDeniedException.class, () -> bar.readAll(path));
      assertThrows(AccessDeniedException.class, () -> bar.exists(path));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"foo/secret", "foo/new", "/foo/new", "bar/../foo/new", "foo/snapshots/x.json"})
  void put_intoOtherHostsDirectory_isDeniedAndWritesNothing(String path) throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertThrows(
          AccessDeniedException.class,
          () -> bar.put(path, "bar was here".getBytes(StandardCharsets.UTF_8)));
    }
    assertArrayEquals(fooSecret, Files.readAllBytes(m.hosts.resolve("foo/secret")));
    assertFalse(Files.exists(m.hosts.resolve("foo/new")));
    assertFalse(Files.exists(m.hosts.resolve("foo/snapshots/x.json")));
    try (var files = Files.list(m.hosts.resolve("foo"))) {
      assertEquals(
          List.of("secret", "snapshots"),
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("pacha_"))
              .sorted()
              .toList());
    }
  }

  @Test
  void mkdirs_newTopLevelDirectory_isDenied() throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertThrows(AccessDeniedException.class, () -> bar.mkdirs("baz"));
    }
    assertFalse(Files.exists(m.hosts.resolve("baz")));
  }

  @Test
  void symlink_createdOverSftp_isRefused() throws Exception {
    try (MasterFixture.Raw bar = m.raw("bar", barKey)) {
      SftpException e =
          assertThrows(SftpException.class, () -> bar.sftp().symlink("/foo", "/bar/evil"));
      assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, e.id);
      SftpException relative =
          assertThrows(SftpException.class, () -> bar.sftp().symlink("../foo", "/bar/evil2"));
      assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, relative.id);
    }
    assertFalse(Files.exists(m.hosts.resolve("bar/evil"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(
        Files.exists(m.hosts.resolve("bar/evil2"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void hardlink_toOwnFile_isRefused() throws Exception {
    Files.writeString(m.hosts.resolve("bar/mine"), "x");
    try (MasterFixture.Raw bar = m.raw("bar", barKey)) {
      SftpException e =
          assertThrows(SftpException.class, () -> bar.sftp().hardlink("/bar/mine", "/bar/copy"));
      assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, e.id);
    }
    assertFalse(Files.exists(m.hosts.resolve("bar/copy")));
  }

  @Test
  void read_throughLinkPlantedOnDiskLeavingTheHost_isDenied() throws Exception {
    Files.createSymbolicLink(m.hosts.resolve("bar/evil"), Path.of("../foo"));
    Files.createSymbolicLink(m.hosts.resolve("bar/evilfile"), Path.of("../foo/secret"));
    Files.createSymbolicLink(m.hosts.resolve("bar/absolute"), m.hosts.resolve("foo"));
    Files.createSymbolicLink(m.hosts.resolve("bar/dangling"), Path.of("../foo/not-yet"));
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertThrows(AccessDeniedException.class, () -> bar.list("bar/evil"));
      assertThrows(AccessDeniedException.class, () -> bar.readAll("bar/evil/secret"));
      assertThrows(AccessDeniedException.class, () -> bar.readAll("bar/evilfile"));
      assertThrows(AccessDeniedException.class, () -> bar.readAll("bar/absolute/secret"));
      assertThrows(
          AccessDeniedException.class,
          () -> bar.put("bar/evil/new", "x".getBytes(StandardCharsets.UTF_8)));
      assertThrows(
          AccessDeniedException.class,
          () -> bar.put("bar/dangling", "x".getBytes(StandardCharsets.UTF_8)));
    }
    assertFalse(Files.exists(m.hosts.resolve("foo/new")));
    assertFalse(Files.exists(m.hosts.resolve("foo/not-yet")));
    assertArrayEquals(fooSecret, Files.readAllBytes(m.hosts.resolve("foo/secret")));
  }

  @Test
  void read_throughLinkInsideOwnDirectory_works() throws Exception {
    Files.createDirectories(m.hosts.resolve("bar/snapshots"));
    Files.writeString(m.hosts.resolve("bar/snapshots/a.json"), "{}");
    Files.createSymbolicLink(m.hosts.resolve("bar/current"), Path.of("snapshots"));
    try (SftpBackend bar = m.connect("bar", barKey)) {
      assertEquals("{}", new String(bar.readAll("bar/current/a.json"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void read_masterStateDirectory_isDeniedToHostsAndAdmins() throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey);
        SftpBackend admin = m.connect("admin", adminKey)) {
      for (SftpBackend b : List.of(bar, admin)) {
        assertThrows(AccessDeniedException.class, () -> b.readAll(".pacha-master/host_key"));
        assertThrows(AccessDeniedException.class, () -> b.list(".pacha-master/keys"));
        assertThrows(
            AccessDeniedException.class,
            () ->
                b.put(
                    ".pacha-master/keys/bar.pub",
                    "ssh-ed25519 AAAA x".getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  @Test
  void setstat_rootOrOwners_isDenied() throws Exception {
    Path mine = m.hosts.resolve("bar/mine");
    Files.writeString(mine, "x");
    var rootPerms = Files.getPosixFilePermissions(m.hosts);
    var owner = Files.getAttribute(mine, "unix:uid");
    try (MasterFixture.Raw bar = m.raw("bar", barKey)) {
      SftpException root = assertThrows(SftpException.class, () -> bar.sftp().chmod(0777, "/"));
      assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, root.id);
      SftpException chown =
          assertThrows(SftpException.class, () -> bar.sftp().chown(12345, "/bar/mine"));
      assertEquals(ChannelSftp.SSH_FX_PERMISSION_DENIED, chown.id);
    }
    assertEquals(rootPerms, Files.getPosixFilePermissions(m.hosts));
    assertEquals(owner, Files.getAttribute(mine, "unix:uid"));
  }

  @Test
  void connect_unknownKey_isRefusedAndReported() throws Exception {
    Path stranger = m.key("stranger");
    TransportException e = assertThrows(TransportException.class, () -> m.connect("bar", stranger));
    assertTrue(e.getMessage().contains("refused the key"), e.getMessage());
    assertTrue(
        m.warnings.stream().anyMatch(w -> w.contains("refused") && w.contains("'bar'")),
        m.warnings.toString());
  }

  @Test
  void connect_otherHostsKeyUnderThisName_isRefused() throws Exception {
    TransportException e = assertThrows(TransportException.class, () -> m.connect("bar", fooKey));
    assertTrue(e.getMessage().contains("refused the key"), e.getMessage());
  }

  @Test
  void connect_hostKeyUnderAnotherName_isRefused() throws Exception {
    assertThrows(TransportException.class, () -> m.connect("foo", barKey));
    assertThrows(TransportException.class, () -> m.connect("admin", barKey));
    assertThrows(TransportException.class, () -> m.connect("../foo", barKey));
  }

  @Test
  void list_rootAsAdmin_showsEveryHostButNotTheStateDirectory() throws Exception {
    try (SftpBackend admin = m.connect("admin", adminKey)) {
      assertEquals(List.of("bar", "foo"), admin.list(""));
      assertArrayEquals(fooSecret, admin.readAll("foo/secret"));
    }
  }

  @Test
  void exists_pathAboveTheHostsPath_staysInsideTheHostsPath() throws Exception {
    try (SftpBackend admin = m.connect("admin", adminKey)) {
      assertFalse(admin.exists("../../../../etc/passwd"));
      assertFalse(admin.exists("/etc/passwd"));
      assertEquals(List.of("bar", "foo"), admin.list("../.."));
    }
  }

  @Test
  void put_ownDirectory_works() throws IOException {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      bar.put("bar/snapshots/one.json", "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of("one.json"), bar.list("bar/snapshots"));
    }
    assertEquals("{}", Files.readString(m.hosts.resolve("bar/snapshots/one.json")));
  }
}
