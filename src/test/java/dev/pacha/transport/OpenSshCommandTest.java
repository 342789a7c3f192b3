package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.config.HostKeyChecking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** pacha's settings become ssh options only when the config sets them. */
class OpenSshCommandTest {
  private static final Path SSH = Path.of("/usr/bin/ssh");

  private static OpenSshCommand unset(String host, boolean batch) {
    return new OpenSshCommand(
        SSH,
        host,
        Optional.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        batch,
        Duration.ofSeconds(15));
  }

  @Test
  void argv_nothingSet_leavesUserPortKeysAndHostKeysToTheSshConfig() {
    List<String> a = unset("mymaster", false).argv();
    assertEquals(
        List.of(
            "/usr/bin/ssh",
            "-T",
            "-x",
            "-a",
            "-o",
            "ClearAllForwardings=yes",
            "-o",
            "PermitLocalCommand=no",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
            "-o",
            "ConnectTimeout=15",
            "-s",
            "--",
            "mymaster",
            "sftp"),
        a);
    assertEquals("mymaster", unset("mymaster", false).where());
  }

  @Test
  void argv_everythingSet_eachBecomesItsOption() {
    OpenSshCommand c =
        new OpenSshCommand(
            SSH,
            "master.example.com",
            Optional.of("bar_user"),
            OptionalInt.of(2222),
            Optional.of(Path.of("/etc/pacha/ssh_config")),
            Optional.of(Path.of("/etc/pacha/id_master")),
            Optional.of(Path.of("/etc/pacha/known hosts")),
            Optional.of(HostKeyChecking.ACCEPT_NEW),
            true,
            Duration.ofSeconds(15));
    String line = String.join(" ", c.argv());
    assertTrue(line.startsWith("/usr/bin/ssh -F /etc/pacha/ssh_config "), line);
    assertTrue(line.contains(" -o BatchMode=yes "), line);
    assertTrue(line.contains(" -i /etc/pacha/id_master -o IdentitiesOnly=yes "), line);
    assertTrue(line.contains(" -o UserKnownHostsFile=\"/etc/pacha/known hosts\" "), line);
    assertTrue(line.contains(" -o StrictHostKeyChecking=accept-new "), line);
    assertTrue(line.endsWith(" -p 2222 -l bar_user -s -- master.example.com sftp"), line);
    assertEquals("bar_user@master.example.com:2222", c.where());
  }

  @Test
  void argv_attended_noBatchMode() {
    assertFalse(unset("m", false).argv().contains("BatchMode=yes"));
    assertTrue(unset("m", true).argv().contains("BatchMode=yes"));
  }

  @Test
  void argv_hostLikeAnOptionOrAnIpv6Literal_isAlwaysTheHost() {
    List<String> a = unset("-oProxyCommand=x", true).argv();
    assertEquals("--", a.get(a.size() - 3));
    assertEquals("-oProxyCommand=x", a.get(a.size() - 2));
    List<String> v6 = unset("[::1]", true).argv();
    assertEquals("::1", v6.get(v6.size() - 2));
  }

  @Test
  void argv_extraOptions_comeFirstSoTheyWin() {
    List<String> a = unset("m", true).argv(List.of("LogLevel=DEBUG1"));
    assertEquals(List.of("/usr/bin/ssh", "-o", "LogLevel=DEBUG1", "-T"), a.subList(0, 4));
  }
}
