package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.transport.SftpBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's host key is made once and kept, so hosts that pinned it keep connecting. */
class MasterHostKeyIT {
  @TempDir Path tmp;

  @Test
  void start_twice_keepsTheSameHostKey() throws Exception {
    String first;
    try (MasterFixture m = new MasterFixture(tmp)) {
      MasterServer s = m.start();
      assertTrue(s.hostKeyCreated());
      first = s.fingerprint();
    }
    try (MasterFixture m = new MasterFixture(tmp)) {
      MasterServer s = m.start();
      assertFalse(s.hostKeyCreated());
      assertEquals(first, s.fingerprint());
    }
    assertTrue(first.startsWith("SHA256:"), first);
  }

  @Test
  void start_newKey_isEd25519InAPrivateFileThatOpenSshReads() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      MasterServer s = m.start();
      Path file = m.hosts.resolve(".pacha-master/host_key");
      assertEquals(file, s.hostKeyFile());
      assertEquals("ssh-ed25519", s.hostKeyType());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      Process p =
          new ProcessBuilder("ssh-keygen", "-l", "-f", file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertTrue(out.contains(s.fingerprint()), out + " should show " + s.fingerprint());
    }
  }

  @Test
  void connect_afterRestart_clientPinnedBeforeStillConnects() throws Exception {
    Path barKey;
    Path pinned = tmp.resolve("pinned_known_hosts");
    int port;
    try (MasterFixture m = new MasterFixture(tmp)) {
      barKey = m.addHost("bar");
      port = m.start().port();
      Files.copy(m.knownHosts, pinned);
    }
    try (MasterFixture m = new MasterFixture(tmp)) {
      // Same port, so the pinned line ([127.0.0.1]:PORT ...) applies as it is.
      m.start(
          MasterSettings.of(m.hosts, "127.0.0.1", port)
              .withStopGrace(java.time.Duration.ofSeconds(2)));
      Files.copy(pinned, m.knownHosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (SftpBackend bar = m.connect("bar", barKey)) {
        assertEquals(List.of("bar"), bar.list(""));
      }
    }
  }

  @Test
  void start_hostKeyReadableByOthers_isRefused() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      m.start().close();
      Path file = m.hosts.resolve(".pacha-master/host_key");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      PachaException e = assertThrows(PachaException.class, () -> m.start());
      assertEquals(PachaException.Kind.USAGE, e.kind());
      assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
  }

  @Test
  void start_givenHostKeyFile_usesIt() throws Exception {
    Path given = tmp.resolve("elsewhere/master_key");
    try (MasterFixture m = new MasterFixture(tmp)) {
      MasterServer s =
          m.start(
              MasterSettings.of(m.hosts, "127.0.0.1", 0)
                  .withHostKey(given)
                  .withStopGrace(java.time.Duration.ofSeconds(2)));
      assertTrue(Files.isRegularFile(given));
      assertEquals(given, s.hostKeyFile());
      assertFalse(Files.exists(m.hosts.resolve(".pacha-master/host_key")));
    }
  }
}
