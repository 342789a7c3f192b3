package dev.pacha.cloudinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.PachaCli;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * `pacha cloud-init render`: the checked-in examples in cloud-init/ are what it renders today, and
 * bad input gets one clear line.
 */
class UserDataExamplesTest {
  static final Path EXAMPLES = Path.of("cloud-init");
  static final Path INPUTS = EXAMPLES.resolve("example");

  @TempDir Path tmp;

  /** The command lines behind each checked-in example. */
  static Map<String, List<String>> examples() {
    List<String> base =
        List.of(
            "cloud-init",
            "render",
            "--host",
            "bar",
            "--config",
            INPUTS.resolve("pacha.conf").toString(),
            "--known-hosts",
            INPUTS.resolve("known_hosts").toString());
    List<String> key = List.of("--identity", INPUTS.resolve("id_example").toString());
    return Map.of(
        "baked.yaml", concat(base, key),
        "package-install.yaml",
            concat(
                base, key, List.of("--install", "https://downloads.example.com/pacha/pacha.deb")),
        "secrets.yaml", concat(base, List.of("--secrets", "ssm:/pacha/bar")),
        "mime.txt", concat(base, key, List.of("--format", "mime")));
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  private PachaCli.Run render(List<String> args, Path out) {
    List<String> all = new ArrayList<>(args);
    all.add("-o");
    all.add(out.toString());
    return new PachaCli(tmp).run(all.toArray(String[]::new));
  }

  @Test
  void render_examples_matchTheCheckedInFiles() throws Exception {
    boolean regenerate = "1".equals(System.getenv("PACHA_REGENERATE_EXAMPLES"));
    for (Map.Entry<String, List<String>> e : examples().entrySet()) {
      Path out = regenerate ? EXAMPLES.resolve(e.getKey()) : tmp.resolve(e.getKey());
      PachaCli.Run r = render(e.getValue(), out);
      assertEquals(0, r.code(), r::toString);
      assertEquals(
          Files.readString(EXAMPLES.resolve(e.getKey())),
          Files.readString(out),
          e.getKey() + " differs from what pacha renders; see cloud-init/README.md");
    }
  }

  @Test
  void render_keyInside_fileIs0600AndWritesKeyConfigAndKnownHosts() throws Exception {
    Path out = tmp.resolve("ud.yaml");
    assertEquals(0, render(examples().get("baked.yaml"), out).code());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    Map<String, Object> doc = new Yaml().load(Files.readString(out));
    assertEquals(List.of("write_files"), new ArrayList<>(doc.keySet()));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> files = (List<Map<String, Object>>) doc.get("write_files");
    Map<String, Map<String, Object>> byPath = new java.util.HashMap<>();
    files.forEach(f -> byPath.put((String) f.get("path"), f));
    assertEquals("0600", byPath.get("/etc/pacha/id_master").get("permissions"));
    assertEquals(
        Files.readString(INPUTS.resolve("id_example")),
        byPath.get("/etc/pacha/id_master").get("content"));
    String conf = (String) byPath.get("/etc/pacha/pacha.conf").get("content");
    assertTrue(conf.contains("pacha.host = master.example.com\n"), conf);
    assertTrue(conf.contains("pacha.hostname = bar\n"), conf);
    assertTrue(conf.contains("pacha.ssh.identity = /etc/pacha/id_master\n"), conf);
    assertTrue(byPath.containsKey("/var/lib/cloud/scripts/per-instance/pacha-firstboot.sh"));
    String start =
        (String)
            byPath.get("/var/lib/cloud/scripts/per-instance/pacha-firstboot.sh").get("content");
    assertTrue(start.contains("systemctl start --no-block pacha-rebuild.service"), start);
  }

  @Test
  void render_secretsMode_holdsNoKeyBytes() throws Exception {
    Path out = tmp.resolve("ud.yaml");
    PachaCli.Run r = render(examples().get("secrets.yaml"), out);
    assertEquals(0, r.code(), r::toString);
    String text = Files.readString(out);
    assertFalse(text.contains("PRIVATE KEY"), text);
    assertFalse(text.contains("EXAMPLE-ONLY-NOT-A-REAL-KEY"), text);
    assertFalse(text.contains("/etc/pacha/id_master\n    owner"), "no key file is written");
    assertTrue(text.contains("pacha.boot.secrets = ssm:/pacha/bar"), text);
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
  }

  @Test
  void render_overLimit_gzipsOnceAndNeverBase64() throws Exception {
    Path conf = tmp.resolve("big.conf");
    StringBuilder sb = new StringBuilder(Files.readString(INPUTS.resolve("pacha.conf")));
    for (int i = 0; i < 600; i++) {
      sb.append("# a long comment line number ").append(i).append(" to pass the limit\n");
    }
    Files.writeString(conf, sb.toString());
    List<String> args =
        List.of(
            "cloud-init",
            "render",
            "--host",
            "bar",
            "--config",
            conf.toString(),
            "--known-hosts",
            INPUTS.resolve("known_hosts").toString(),
            "--identity",
            INPUTS.resolve("id_example").toString());
    Path out = tmp.resolve("ud.gz");
    PachaCli.Run r = render(args, out);
    assertEquals(0, r.code(), r::toString);
    byte[] bytes = Files.readAllBytes(out);
    assertTrue(bytes.length <= 16384, "within EC2's limit");
    assertEquals(0x1f, bytes[0] & 0xff, "gzip magic, not base64");
    String plain = new String(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes());
    assertTrue(plain.startsWith("#cloud-config\n"));
    assertTrue(plain.length() > 16384);

    List<String> noGzip = new ArrayList<>(args);
    noGzip.add("--no-gzip");
    PachaCli.Run refused = render(noGzip, tmp.resolve("plain.yaml"));
    assertEquals(2, refused.code(), refused::toString);
    assertTrue(
        refused
            .err()
            .matches(
                "(?s)pacha: the user-data is \\d+ bytes, over EC2's limit of 16384 bytes; allow --gzip\n"),
        refused.err());
    assertFalse(Files.exists(tmp.resolve("plain.yaml")));
  }

  @Test
  void render_incompressibleOverLimit_refusedWithSize() throws Exception {
    Path conf = tmp.resolve("random.conf");
    StringBuilder sb = new StringBuilder(Files.readString(INPUTS.resolve("pacha.conf")));
    Random random = new Random(1);
    for (int i = 0; i < 500; i++) {
      sb.append("# ");
      for (int j = 0; j < 60; j++) {
        sb.append((char) ('!' + random.nextInt(90)));
      }
      sb.append('\n');
    }
    Files.writeString(conf, sb.toString());
    PachaCli.Run r =
        render(
            List.of(
                "cloud-init",
                "render",
                "--host",
                "bar",
                "--config",
                conf.toString(),
                "--known-hosts",
                INPUTS.resolve("known_hosts").toString(),
                "--secrets",
                "ssm:/pacha/bar"),
            tmp.resolve("x"));
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("gzipped, over EC2's limit of 16384 bytes"), r.err());
  }

  @Test
  void render_badInput_oneClearLineEach() throws Exception {
    List<String> ok = examples().get("baked.yaml");
    Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
    cases.put("does not exist", replace(ok, "--identity", tmp.resolve("missing_key").toString()));
    cases.put("is a directory", replace(ok, "--config", tmp.toString()));
    cases.put("host name 'bar baz' is not valid", replace(ok, "--host", "bar baz"));
    cases.put("not both", concat(ok, List.of("--secrets", "ssm:/pacha/bar")));
    cases.put(
        "pins no key",
        replace(ok, "--known-hosts", Files.writeString(tmp.resolve("empty"), "").toString()));
    cases.put(
        "is not a private key",
        replace(ok, "--identity", INPUTS.resolve("known_hosts").toString()));
    cases.put("use cloud-config or mime", concat(ok, List.of("--format", "yaml")));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      PachaCli.Run r = render(c.getValue(), tmp.resolve("out"));
      assertEquals(2, r.code(), c.getKey() + ": " + r);
      assertTrue(r.err().contains(c.getKey()), c.getKey() + ": " + r);
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
      assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }
  }

  private static List<String> replace(List<String> args, String option, String value) {
    List<String> out = new ArrayList<>(args);
    out.set(out.indexOf(option) + 1, value);
    return out;
  }

  @Test
  void literalSafe_trickyContents_useBase64() {
    assertTrue(UserDataService.literalSafe("a\nb\n"));
    assertFalse(UserDataService.literalSafe(" leading space\n"));
    assertFalse(UserDataService.literalSafe("no final newline"));
    assertFalse(UserDataService.literalSafe("two\n\n"));
    assertFalse(UserDataService.literalSafe("cr\r\n"));
  }
}
