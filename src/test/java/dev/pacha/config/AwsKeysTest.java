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

/** The pacha.aws.* keys (SSM, Secrets Manager, EC2) and pacha.boot.secrets. */
class AwsKeysTest {
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
  void read_awsKeys_parsedApartFromS3() throws Exception {
    PachaConfig c =
        read(
            "pacha.aws.endpoint = http://127.0.0.1:4566",
            "pacha.aws.region = eu-central-1",
            "pacha.s3.region = us-west-2");
    assertEquals(
        new AwsSettings(
            Optional.of(URI.create("http://127.0.0.1:4566")), Optional.of("eu-central-1")),
        c.aws());
    assertEquals(Optional.of("us-west-2"), c.s3().region());
    assertEquals(Optional.empty(), c.s3().endpoint());
  }

  @Test
  void read_noAwsKeys_sdkDefaults() throws Exception {
    assertEquals(AwsSettings.defaults(), read("pacha.host = m").aws());
  }

  @Test
  void read_awsEndpointNotAUrl_rejectedNamingKeyValueAndAllowed() {
    assertEquals(
        "pacha.aws.endpoint = localhost:4566 in "
            + tmp.resolve("pacha.conf")
            + ": must be an http:// or https:// URL with a host, such as http://127.0.0.1:9000",
        error("pacha.aws.endpoint = localhost:4566"));
  }

  @Test
  void read_awsRegionBad_rejectedNamingTheAwsKey() {
    assertTrue(
        error("pacha.aws.region = Frankfurt").startsWith("pacha.aws.region = Frankfurt in "));
  }

  @Test
  void read_misspeltAwsKey_suggestsTheRightOne() {
    assertTrue(error("pacha.aws.regoin = eu-west-1").contains("did you mean pacha.aws.region?"));
  }

  @Test
  void read_bootSecretsSsmPath_accepted() throws Exception {
    assertEquals(
        Optional.of("ssm:/pacha/bar"),
        read("pacha.boot.secrets = ssm:/pacha/bar").boot().secrets());
    assertEquals(
        Optional.of("secretsmanager:/pacha/bar/identity"),
        read("pacha.boot.secrets = secretsmanager:/pacha/bar/identity").boot().secrets());
  }

  @Test
  void read_bootSecretsSsmWithoutLeadingSlash_rejected() {
    // SSM refuses a name with '/' that does not start with one; better said at once than at boot.
    assertTrue(
        error("pacha.boot.secrets = ssm:pacha/bar")
            .endsWith("must be ssm:/PARAMETER/PREFIX or secretsmanager:NAME"));
  }
}
