package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `pacha host list | keys | revoke | remove` on the master, against a running master. */
class MasterHostsIT {
  @TempDir static Path keys;
  @TempDir Path tmp;
  MasterFixture m;
  Path conf;
  PachaCli cli;

  @BeforeEach
  void start() throws Exception {
    m = new MasterFixture(tmp, keys);
    m.start();
    conf =
        Files.writeString(
            tmp.resolve("master.conf"),
            "[DEFAULT]\npacha.master = True\npacha.hosts.path = " + m.hosts + "\n");
    cli = new PachaCli(tmp);
  }

  @AfterEach
  void stop() {
    m.close();
  }

  private PachaCli.Run pacha(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = conf.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.run(all);
  }

  private PachaCli.Run ok(String... args) {
    PachaCli.Run r = pacha(args);
    assertEquals(0, r.code(), r.toString());
    return r;
  }

  private String fingerprint(Path key) throws Exception {
    // "256 SHA256:... comment (ED25519)"
    return Tools.run(tmp, "ssh-keygen", "-l", "-f", MasterFixture.pub(key).toString())
        .split(" ")[1];
  }

  @Test
  void keysAndRevoke_twoKeys_revokedOneIsRefusedAtOnceAlsoOnItsOpenConnection() throws Exception {
    Path one = m.key("bar-one");
    Path two = m.key("bar-two");
    ok("host", "add", "bar", "--key", MasterFixture.pub(one).toString());
    ok("host", "add", "bar", "--key", MasterFixture.pub(two).toString());
    String listed = ok("host", "keys", "bar").out();
    assertTrue(listed.contains("ssh-ed25519 " + fingerprint(one) + " bar-one\n"), listed);
    assertTrue(listed.contains("ssh-ed25519 " + fingerprint(two) + " bar-two\n"), listed);

    try (SftpBackend open = m.connect("bar", one)) {
      open.put("bar/a", "1".getBytes(StandardCharsets.UTF_8));
      PachaCli.Run revoke = ok("host", "revoke", "bar", fingerprint(one));
      assertTrue(revoke.out().contains("Revoked ssh-ed25519 " + fingerprint(one)), revoke.out());
      assertTrue(revoke.out().contains("bar has 1 key left"), revoke.out());
      // The connection that logged in with it is refused from its next request.
      assertThrows(AccessDeniedException.class, () -> open.list("bar"));
    }
    assertThrows(TransportException.class, () -> m.connect("bar", one));
    try (SftpBackend other = m.connect("bar", two)) {
      assertTrue(other.list("bar").contains("a"));
    }
    // By its .pub file, too.
    ok("host", "revoke", "bar", MasterFixture.pub(two).toString());
    assertThrows(TransportException.class, () -> m.connect("bar", two));
  }

  @Test
  void revoke_keyTheHostDoesNotHave_exitsOneWithOneLine() throws Exception {
    ok("host", "add", "bar", "--key", MasterFixture.pub(m.key("bar")).toString());
    PachaCli.Run r = pacha("host", "revoke", "bar", "SHA256:nope");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("has no key SHA256:nope"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    PachaCli.Run bad = pacha("host", "revoke", "bar", "neither");
    assertEquals(2, bad.code(), bad.toString());
  }

  @Test
  void remove_keepsTheDataUnlessAskedAndTheHostCannotLogIn() throws Exception {
    Path key = m.key("bar");
    ok("host", "add", "bar", "--key", MasterFixture.pub(key).toString());
    Files.createDirectories(m.hosts.resolve("bar/snapshots"));
    Files.writeString(m.hosts.resolve("bar/snapshots/s1.json"), "{}");

    PachaCli.Run removed = ok("host", "remove", "bar");
    assertTrue(removed.out().contains("Removed 1 key of bar"), removed.out());
    assertTrue(removed.out().contains("--delete-data"), removed.out());
    assertTrue(Files.exists(m.hosts.resolve("bar/snapshots/s1.json")));
    assertThrows(TransportException.class, () -> m.connect("bar", key));
    JsonNode hosts = new ObjectMapper().readTree(ok("host", "list", "--json").out());
    assertEquals("bar", hosts.get(0).get("host").asText());
    assertEquals(0, hosts.get(0).get("keys").asInt());
    assertEquals(1, hosts.get(0).get("snapshots").asInt());

    ok("host", "remove", "bar", "--delete-data");
    assertFalse(Files.exists(m.hosts.resolve("bar")));
    assertEquals(0, new ObjectMapper().readTree(ok("host", "list", "--json").out()).size());
    PachaCli.Run gone = pacha("host", "remove", "bar");
    assertEquals(1, gone.code(), gone.toString());
    assertTrue(gone.err().contains("no host bar"), gone.err());
  }

  @Test
  void hostCommands_onAHostsConfig_sayToRunThemOnTheMaster() throws Exception {
    Path hostConf =
        Files.writeString(
            tmp.resolve("bar.conf"), "[DEFAULT]\npacha.master.url = sftp://bar@127.0.0.1:2222/\n");
    PachaCli.Run r = cli.run("--config", hostConf.toString(), "host", "list");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("run this on the master"), r.err());
  }

  @Test
  void hostAdd_asRootOnAHostsPathOwnedByTheMastersUser_handsWhatItMakesToThatUser()
      throws Exception {
    // The packaged master runs as its own user, which made its hosts path and state dir.
    Tools.run(tmp, "chown", "-R", "nobody:nogroup", m.hosts.toString());
    assertEquals("root", System.getProperty("user.name"), "the operator runs this as root");
    ok("host", "add", "baz", "--key", MasterFixture.pub(m.key("baz")).toString());
    for (Path made :
        List.of(
            MasterKeys.keyFile(m.hosts, "baz"),
            m.hosts.resolve(".pacha-master/keys"),
            m.hosts.resolve("baz"),
            m.hosts.resolve("baz/pacha_pre"))) {
      PosixFileAttributes a = Files.readAttributes(made, PosixFileAttributes.class);
      assertEquals("nobody", a.owner().getName(), made.toString());
      assertEquals("nogroup", a.group().getName(), made.toString());
    }
  }
}
