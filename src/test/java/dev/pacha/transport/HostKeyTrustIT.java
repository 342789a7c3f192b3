package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.config.HostKeyChecking;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The master's host key and the client key, against a real OpenSSH sshd on loopback: @revoked lines
 * (patterns and hashed names) under every host_key_checking, HOST KEY CHANGED naming the line, host
 * certificates from a @cert-authority, and key files open to others.
 */
class HostKeyTrustIT {
  @TempDir Path tmp;
  OpenSshServer sshd;

  @AfterEach
  void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  private String hostName() {
    return "[127.0.0.1]:" + sshd.port();
  }

  private Path knownHosts(String... lines) throws Exception {
    Path kh = tmp.resolve("known_hosts");
    Files.writeString(kh, String.join("\n", lines) + "\n");
    return kh;
  }

  private SftpBackend connect(Path knownHosts, HostKeyChecking mode) throws TransportException {
    return connect(knownHosts, mode, sshd.clientKey());
  }

  private SftpBackend connect(Path knownHosts, HostKeyChecking mode, Path key)
      throws TransportException {
    Path root = tmp.resolve("store");
    return SftpBackend.connect(
        "root",
        "127.0.0.1",
        sshd.port(),
        root.toString(),
        new SshSettings(
            List.of(key), knownHosts, mode, Duration.ofSeconds(20), Duration.ofSeconds(60)));
  }

  private String refused(Path knownHosts, HostKeyChecking mode) {
    TransportException e =
        assertThrows(TransportException.class, () -> connect(knownHosts, mode).close());
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    return e.getMessage();
  }

  @ParameterizedTest
  @EnumSource(HostKeyChecking.class)
  void connect_revokedByWildcardLine_refusedUnderEverySetting(HostKeyChecking mode)
      throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    // Pinned too (line 2): a revocation wins over a pin, as in ssh.
    Path kh = knownHosts("@revoked * " + sshd.hostKey(), hostName() + " " + sshd.hostKey());
    String before = Files.readString(kh);

    String m = refused(kh, mode);

    assertTrue(m.startsWith("REVOKED HOST KEY: the master " + hostName()), m);
    assertTrue(m.contains(kh + " line 1 marks @revoked"), m);
    assertEquals(before, Files.readString(kh), "nothing pinned");
  }

  @Test
  void connect_revokedByHashedName_refusedUnderAcceptNew() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    Path kh = knownHosts(hostName() + " " + sshd.hostKey());
    Tools.run(tmp, "ssh-keygen", "-q", "-H", "-f", kh.toString());
    Files.writeString(kh, "@revoked " + Files.readString(kh));

    String m = refused(kh, HostKeyChecking.ACCEPT_NEW);

    assertTrue(m.startsWith("REVOKED HOST KEY"), m);
  }

  @Test
  void connect_revokedForAnotherHostOnly_acceptNewPins() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    Path kh = knownHosts("@revoked other.example.com " + sshd.hostKey());

    connect(kh, HostKeyChecking.ACCEPT_NEW).close();

    String[] pub = sshd.hostKey().split(" ");
    assertTrue(
        Files.readString(kh).endsWith("\n" + hostName() + " " + pub[0] + " " + pub[1] + "\n"),
        Files.readString(kh));
  }

  @ParameterizedTest
  @EnumSource(
      value = HostKeyChecking.class,
      names = {"YES", "ACCEPT_NEW"})
  void connect_pinnedKeyDiffers_hostKeyChangedNamingFileAndLine(HostKeyChecking mode)
      throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    Path other = tmp.resolve("old_host_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    String old = Files.readString(Path.of(other + ".pub")).trim();
    Path kh = knownHosts("# the master, pinned at install", hostName() + " " + old);
    String before = Files.readString(kh);

    String m = refused(kh, mode);

    assertTrue(m.startsWith("HOST KEY CHANGED: the master " + hostName()), m);
    assertTrue(m.contains(kh + " line 2 pins ssh-ed25519 SHA256:"), m);
    assertTrue(m.contains("remove line 2 of " + kh), m);
    assertFalse(m.contains("accept-new"), m);
    assertEquals(before, Files.readString(kh), "the new key is not pinned");
  }

  @Test
  void connect_hostCertificateFromPinnedCa_acceptedWithoutPinningTheKey() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sshd"));
    Path ca = tmp.resolve("host_ca");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    Tools.run(
        tmp,
        "ssh-keygen",
        "-q",
        "-s",
        ca.toString(),
        "-h",
        "-I",
        "master",
        "-n",
        "127.0.0.1",
        hostKey + ".pub");
    sshd = OpenSshServer.start(dir, "HostCertificate " + hostKey + "-cert.pub");
    String caPub = Files.readString(Path.of(ca + ".pub")).trim();

    connect(knownHosts("@cert-authority [127.0.0.1]:* " + caPub), HostKeyChecking.YES).close();

    // The same CA revoked: refused, though the certificate itself is good.
    String m =
        refused(
            knownHosts("@cert-authority [127.0.0.1]:* " + caPub, "@revoked * " + caPub),
            HostKeyChecking.YES);
    assertTrue(m.startsWith("REVOKED HOST KEY"), m);
  }

  @Test
  void connect_keyFileOpenToGroup_usageErrorNamingModeAndChmod() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    Path kh = sshd.knownHosts();
    Files.setPosixFilePermissions(sshd.clientKey(), PosixFilePermissions.fromString("rw-r-----"));

    PachaException e =
        assertThrows(PachaException.class, () -> connect(kh, HostKeyChecking.YES).close());

    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("has mode 0640"), e.getMessage());
    assertTrue(e.getMessage().endsWith("chmod 600 " + sshd.clientKey()), e.getMessage());

    Files.setPosixFilePermissions(sshd.clientKey(), PosixFilePermissions.fromString("r--------"));
    connect(kh, HostKeyChecking.YES).close();
  }

  @Test
  void push_keyFileReadableByOthers_exitsTwoWithOneLine() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    Path master = Files.createDirectories(tmp.resolve("master"));
    Path sandbox = tmp.resolve("sandbox");
    Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(sandbox.resolve("opt/foo/a.conf"), "a\n");
    Path cfg = sshd.config(tmp.resolve("pacha.conf"), "bar", master, tmp.resolve("state"));
    Files.setPosixFilePermissions(sshd.clientKey(), PosixFilePermissions.fromString("rw-r--r--"));

    PachaCli.Run r =
        new PachaCli(tmp)
            .run(
                "--config",
                cfg.toString(),
                "--watch",
                sandbox.resolve("opt/foo").toString(),
                "--target-root",
                sandbox.toString());

    assertEquals(2, r.code(), r::toString);
    assertEquals(
        "pacha: SSH key "
            + sshd.clientKey()
            + " has mode 0644, open to group and others; ssh refuses such a key and so does"
            + " pacha: run chmod 600 "
            + sshd.clientKey()
            + "\n",
        r.err());
    assertFalse(Files.exists(master.resolve("bar")), "nothing sent");
  }
}
