package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts as OpenSSH reads it: patterns, negation, hashed names, markers, line numbers. */
class KnownHostsFileTest {
  @TempDir Path tmp;
  String key;
  byte[] blob;

  @BeforeEach
  void key() throws Exception {
    Path k = tmp.resolve("host_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k.toString());
    key =
        Files.readString(Path.of(k + ".pub")).trim().split(" ", 3)[0]
            + " "
            + Files.readString(Path.of(k + ".pub")).trim().split(" ", 3)[1];
    blob = Base64.getDecoder().decode(key.split(" ")[1]);
  }

  @Test
  void matching_patternsAndNegation_agreeWithSshKeygen() throws Exception {
    List<String> fields =
        List.of(
            "master.example.com",
            "*.example.com,!evil.example.com",
            "[127.0.0.1]:2222",
            "[127.0.0.1]:*",
            "10.0.0.?",
            "MASTER.Example.COM",
            "*");
    List<String> hosts =
        List.of(
            "master.example.com",
            "evil.example.com",
            "[127.0.0.1]:2222",
            "127.0.0.1",
            "10.0.0.7",
            "10.0.0.17",
            "other.org");
    for (String field : fields) {
      Path file = tmp.resolve("kh");
      Files.writeString(file, field + " " + key + "\n");
      KnownHostsFile kh = KnownHostsFile.read(file);
      for (String host : hosts) {
        boolean theirs =
            Tools.exec(tmp, null, List.of("ssh-keygen", "-F", host, "-f", file.toString())).code()
                == 0;
        boolean ours = !kh.matching(host).isEmpty();
        assertEquals(theirs, ours, field + " vs " + host);
      }
    }
  }

  @Test
  void matching_hashedName_matchesOnlyThatHost() throws Exception {
    Path file = tmp.resolve("kh");
    Files.writeString(file, "[127.0.0.1]:2222 " + key + "\n");
    Tools.run(tmp, "ssh-keygen", "-q", "-H", "-f", file.toString());
    String hashed = Files.readString(file);
    assertTrue(hashed.startsWith("|1|"), hashed);
    Files.writeString(file, "@revoked " + hashed);

    KnownHostsFile kh = KnownHostsFile.read(file);
    assertNotNull(kh.revoking("[127.0.0.1]:2222", blob));
    assertNull(kh.revoking("[127.0.0.1]:2223", blob));
    assertNull(kh.revoking("127.0.0.1", blob));
  }

  @Test
  void read_markersLineNumbersAndUnreadableLinesSkipped() throws Exception {
    Path file = tmp.resolve("kh");
    Files.writeString(
        file,
        "# comment\n"
            + "\n"
            + "@revoked * "
            + key
            + "\n"
            + "master garbage-without-key\n"
            + "@cert-authority *.example.com "
            + key
            + " ca\n"
            + "@unknown-marker master "
            + key
            + "\n"
            + "master "
            + key
            + " comment here\n");
    KnownHostsFile kh = KnownHostsFile.read(file);
    List<KnownHostsFile.Line> lines = kh.lines();
    assertEquals(3, lines.size(), lines::toString);
    assertEquals(3, lines.get(0).number());
    assertTrue(lines.get(0).revoked());
    assertEquals("@cert-authority", lines.get(1).marker());
    assertEquals(7, lines.get(2).number());
    assertTrue(lines.get(2).pinned());
    assertEquals(List.of(lines.get(2)), kh.pinned("master"));
    assertEquals(3, kh.revoking("anything", blob).number());
  }

  @Test
  void append_addsOneLineAfterAFileWithoutFinalNewline() throws Exception {
    Path file = tmp.resolve("kh");
    Files.writeString(file, "# no newline at the end");
    KnownHostsFile.read(file).append("[127.0.0.1]:2222", key.split(" ")[0], blob);
    assertEquals("# no newline at the end\n[127.0.0.1]:2222 " + key + "\n", Files.readString(file));
  }
}
