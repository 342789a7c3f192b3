package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {
  @TempDir Path tmp;

  static String line(String comment) throws Exception {
    KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    return PublicKeyEntry.toString(kp.getPublic()) + " " + comment;
  }

  @Test
  void add_twoKeysThenOneAgain_keepsEachKeyOnceInAPrivateFile() throws Exception {
    String a = line("a");
    String b = line("b");
    Path hosts = tmp.resolve("hosts");
    Path two = Files.writeString(tmp.resolve("two.pub"), a + "\n# comment\n\n" + b + "\n");
    MasterKeys.Added first = MasterKeys.add(hosts, "bar", two);
    assertEquals(2, first.added());
    Path again = Files.writeString(tmp.resolve("a.pub"), a + "\n");
    MasterKeys.Added second = MasterKeys.add(hosts, "bar", again);
    assertEquals(0, second.added());
    assertEquals(1, second.present());
    assertEquals(List.of(a, b), Files.readAllLines(first.file()));
    assertEquals(hosts.resolve(".pacha-master/keys/bar.pub"), first.file());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file())));
    assertEquals(2, MasterKeys.readForLogin(first.file()).size());
  }

  @Test
  void add_toAFileWithCommentsAndUnknownLines_keepsThemAndAppends() throws Exception {
    Path hosts = tmp.resolve("hosts");
    Path file = MasterKeys.keyFile(hosts, "bar");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# bar's laptop\nsk-unknown-type AAAA old\n");
    String a = line("a");
    MasterKeys.add(hosts, "bar", Files.writeString(tmp.resolve("a.pub"), a + "\n"));
    assertEquals(
        List.of("# bar's laptop", "sk-unknown-type AAAA old", a), Files.readAllLines(file));
  }

  @Test
  void add_keyWithOptions_warnsThatTheyAreNotHonoured() throws Exception {
    Path f = Files.writeString(tmp.resolve("k.pub"), "from=\"10.0.0.1\" " + line("x") + "\n");
    MasterKeys.Added r = MasterKeys.add(tmp.resolve("hosts"), "bar", f);
    assertEquals(1, r.added());
    assertTrue(r.warnings().get(0).contains("from"), r.warnings().toString());
  }

  @Test
  void add_garbageLine_isAUsageErrorNamingTheLine() throws Exception {
    Path f = Files.writeString(tmp.resolve("k.pub"), line("ok") + "\nssh-ed25519 notbase64\n");
    PachaException e =
        assertThrows(PachaException.class, () -> MasterKeys.add(tmp.resolve("hosts"), "bar", f));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains(f + " line 2"), e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("hosts")));
  }

  @Test
  void keyFile_hostNameThatClimbs_isRefused() {
    assertThrows(PachaException.class, () -> MasterKeys.keyFile(tmp, "../etc"));
  }

  @Test
  void readForLogin_damagedLines_areSkipped() throws Exception {
    Path f = Files.writeString(tmp.resolve("k.pub"), "garbage\n" + line("ok") + "\n");
    assertEquals(1, MasterKeys.readForLogin(f).size());
    assertEquals(0, MasterKeys.readForLogin(tmp.resolve("missing.pub")).size());
  }
}
