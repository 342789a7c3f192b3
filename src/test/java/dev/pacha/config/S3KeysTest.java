package dev.pacha.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pacha.master.url = s3://… and the pacha.s3.* keys. */
class S3KeysTest {
  @TempDir Path tmp;

  private PachaConfig read(String... lines) throws Exception {
    Path file = tmp.resolve("pacha.conf");
    Files.writeString(file, "[DEFAULT]\n" + String.join("\n", lines) + "\n");
    return ConfigLoader.read(file, "--config", Map.of("HOME", tmp.toString()));
  }

  private String error(String... lines) {
    return assertThrows(ConfigException.class, () -> read(lines)).getMessage();
  }

  @Test
  void read_s3UrlAndKeys_parsed() throws Exception {
    PachaConfig c =
        read(
            "pacha.master.url = s3://fleet-configs/pacha/hosts/",
            "pacha.s3.endpoint = http://127.0.0.1:9000",
            "pacha.s3.region = eu-west-1",
            "pacha.s3.path_style = yes");
    MasterLocation m = c.requireMaster();
    assertEquals("s3", m.scheme());
    assertEquals("fleet-configs", m.host());
    assertEquals("/pacha/hosts", m.path());
    assertEquals("s3://fleet-configs/pacha/hosts", m.display());
    assertEquals(
        new S3Settings(
            Optional.of(URI.create("http://127.0.0.1:9000")), Optional.of("eu-west-1"), true),
        c.s3());
  }

  @Test
  void read_noS3Keys_sdkDefaults() throws Exception {
    assertEquals(S3Settings.defaults(), read("pacha.master.url = s3://b").s3());
  }

  @Test
  void read_endpointWithoutScheme_rejectedNamingKeyValueAndAllowed() {
    String e = error("pacha.s3.endpoint = 127.0.0.1:9000");
    assertEquals(
        "pacha.s3.endpoint = 127.0.0.1:9000 in "
            + tmp.resolve("pacha.conf")
            + ": must be an http:// or https:// URL with a host, such as http://127.0.0.1:9000",
        e);
  }

  @Test
  void read_endpointOtherScheme_rejected() {
    assertTrue(error("pacha.s3.endpoint = ftp://s3.example.com").contains("http:// or https://"));
  }

  @Test
  void read_regionNotARegionName_rejected() {
    String e = error("pacha.s3.region = EU West 1");
    assertEquals(
        "pacha.s3.region = EU West 1 in "
            + tmp.resolve("pacha.conf")
            + ": must be a region name: lower-case letters, digits and '-', such as eu-west-1",
        e);
  }

  @Test
  void read_pathStyleNotABoolean_rejected() {
    assertTrue(
        error("pacha.s3.path_style = sometimes").contains("pacha.s3.path_style = sometimes in "));
  }

  @Test
  void read_misspeltS3Key_suggestsTheRightOne() {
    assertTrue(error("pacha.s3.regoin = eu-west-1").contains("did you mean pacha.s3.region?"));
  }

  @Test
  void read_s3UrlWithoutBucket_rejected() {
    assertTrue(error("pacha.master.url = s3:///prefix").contains("has no bucket"));
  }
}
