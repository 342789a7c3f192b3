package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.config.ConfigLoader;
import dev.pacha.config.PachaConfig;
import dev.pacha.testing.AwsStub;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import dev.pacha.testing.Tools;
import dev.pacha.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SDK sends to SSM and Secrets Manager for `pacha aws put-secrets` and the first-boot
 * secret providers, and how AWS's errors come out: against an HTTP stub on 127.0.0.1.
 */
class SecretsProtocolIT {
  static AwsStub aws;

  @TempDir Path tmp;
  PachaCli pacha;
  Path config;
  Path key;
  String keyText;

  @BeforeAll
  static void start() {
    S3Server.useTestCredentials();
    aws = AwsStub.start();
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @BeforeEach
  void files() throws Exception {
    aws.reset();
    pacha = new PachaCli(tmp);
    key = tmp.resolve("bar_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    keyText = Files.readString(key);
    config = tmp.resolve("pacha.conf");
    Files.writeString(
        config,
        "[DEFAULT]\npacha.host = master.example.com\npacha.ssh.user = bar_user\n"
            + String.join("\n", aws.configLines())
            + "\n");
  }

  private PachaCli.Run putSecrets(String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "aws",
                "put-secrets",
                "--host",
                "bar",
                "--identity",
                key.toString(),
                "--parameter-prefix",
                "/pacha/bar"));
    args.addAll(List.of(extra));
    return pacha.run(args.toArray(String[]::new));
  }

  /** The key's base64 body, which must never show up in output. */
  private String keyBody() {
    return keyText.split("\n")[1];
  }

  private static void assertOneLineError(PachaCli.Run r, String... needles) {
    assertEquals("", r.out(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
    for (String n : needles) {
      assertTrue(r.err().contains(n), () -> n + " missing in " + r);
    }
  }

  @Test
  void putSecrets_ssm_storesIdentityAndConfigAsSecureStringsTaggedWithTheHost() throws Exception {
    aws.json("AmazonSSM.PutParameter", "{\"Version\":1,\"Tier\":\"Standard\"}");
    PachaCli.Run r = putSecrets();
    assertEquals(0, r.code(), r::toString);
    List<JsonNode> puts = aws.jsonRequests("AmazonSSM.PutParameter");
    assertEquals(2, puts.size(), puts::toString);
    JsonNode identity = puts.get(0);
    assertEquals("/pacha/bar/identity", identity.get("Name").asText());
    assertEquals("SecureString", identity.get("Type").asText());
    assertEquals(keyText, identity.get("Value").asText());
    assertNull(identity.get("KeyId"), "the account's default key");
    assertNull(identity.get("Overwrite"));
    assertEquals("pacha:host", identity.at("/Tags/0/Key").asText());
    assertEquals("bar", identity.at("/Tags/0/Value").asText());
    JsonNode cfg = puts.get(1);
    assertEquals("/pacha/bar/config", cfg.get("Name").asText());
    assertEquals("SecureString", cfg.get("Type").asText());
    assertEquals(Files.readString(config), cfg.get("Value").asText());
    assertEquals("bar", cfg.at("/Tags/0/Value").asText());
    assertTrue(r.out().contains("--secrets ssm:/pacha/bar "), r::toString);
    assertFalse(r.out().contains(keyBody()) || r.err().contains(keyBody()), "the key is not shown");
  }

  @Test
  void putSecrets_kmsKeyAndOverwrite_sendsKeyIdAndTagsInASecondCall() throws Exception {
    aws.json("AmazonSSM.PutParameter", "{\"Version\":4,\"Tier\":\"Standard\"}");
    aws.json("AmazonSSM.AddTagsToResource", "{}");
    PachaCli.Run r = putSecrets("--kms-key", "alias/pacha", "--overwrite", "--json");
    assertEquals(0, r.code(), r::toString);
    JsonNode put = aws.jsonRequests("AmazonSSM.PutParameter").get(0);
    assertEquals("alias/pacha", put.get("KeyId").asText());
    assertTrue(put.get("Overwrite").asBoolean());
    // PutParameter refuses Tags together with Overwrite.
    assertNull(put.get("Tags"));
    List<JsonNode> tags = aws.jsonRequests("AmazonSSM.AddTagsToResource");
    assertEquals(2, tags.size());
    assertEquals("Parameter", tags.get(0).get("ResourceType").asText());
    assertEquals("/pacha/bar/identity", tags.get(0).get("ResourceId").asText());
    assertEquals("pacha:host", tags.get(0).at("/Tags/0/Key").asText());
    assertEquals("/pacha/bar/config", tags.get(1).get("ResourceId").asText());
    JsonNode out = new ObjectMapper().readTree(r.out());
    assertEquals("ssm:/pacha/bar", out.get("secrets").asText());
    assertEquals("4", out.at("/stored/0/version").asText());
    assertEquals("/pacha/bar/config", out.at("/stored/1/name").asText());
    assertFalse(r.out().contains(keyBody()));
  }

  @Test
  void putSecrets_bigConfig_usesTheAdvancedTier() throws Exception {
    aws.json("AmazonSSM.PutParameter", "{\"Version\":1,\"Tier\":\"Advanced\"}");
    Files.writeString(
        config, "# " + "x".repeat(5000) + "\n", java.nio.file.StandardOpenOption.APPEND);
    PachaCli.Run r = putSecrets();
    assertEquals(0, r.code(), r::toString);
    List<JsonNode> puts = aws.jsonRequests("AmazonSSM.PutParameter");
    assertNull(puts.get(0).get("Tier"), "the key fits the standard tier");
    assertEquals("Advanced", puts.get(1).get("Tier").asText());
  }

  @Test
  void putSecrets_parameterExists_exit3WithCodeAndOverwriteHint() {
    aws.jsonError(
        "AmazonSSM.PutParameter",
        400,
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option");
    PachaCli.Run r = putSecrets();
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "ssm:/pacha/bar/identity", "ParameterAlreadyExists", "--overwrite");
    assertFalse(r.err().contains(keyBody()));
  }

  @Test
  void putSecrets_accessDenied_exit3WithCodeOneLine() {
    aws.jsonError(
        "AmazonSSM.PutParameter",
        400,
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: ssm:PutParameter");
    PachaCli.Run r = putSecrets();
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "AccessDeniedException", "ssm:PutParameter", "permissions");
  }

  @Test
  void putSecrets_secretsManager_createsTaggedSecretsAndNamesTheIdentitySecret() {
    aws.json(
        "secretsmanager.CreateSecret",
        "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:x\",\"Name\":\"x\","
            + "\"VersionId\":\"v-1\"}");
    PachaCli.Run r = putSecrets("--secrets-manager", "--kms-key", "alias/pacha");
    assertEquals(0, r.code(), r::toString);
    List<JsonNode> creates = aws.jsonRequests("secretsmanager.CreateSecret");
    assertEquals(2, creates.size());
    assertEquals("/pacha/bar/identity", creates.get(0).get("Name").asText());
    assertEquals(keyText, creates.get(0).get("SecretString").asText());
    assertEquals("alias/pacha", creates.get(0).get("KmsKeyId").asText());
    assertEquals("pacha:host", creates.get(0).at("/Tags/0/Key").asText());
    assertEquals("bar", creates.get(0).at("/Tags/0/Value").asText());
    assertEquals("/pacha/bar/config", creates.get(1).get("Name").asText());
    assertTrue(r.out().contains("--secrets secretsmanager:/pacha/bar/identity "), r::toString);
    assertFalse(r.out().contains(keyBody()));
  }

  @Test
  void putSecrets_secretsManagerExistsWithOverwrite_updatesAndTags() {
    aws.jsonError(
        "secretsmanager.CreateSecret", 400, "ResourceExistsException", "the secret exists");
    aws.json("secretsmanager.UpdateSecret", "{\"VersionId\":\"v-2\"}");
    aws.json("secretsmanager.TagResource", "{}");
    PachaCli.Run r = putSecrets("--secrets-manager", "--overwrite");
    assertEquals(0, r.code(), r::toString);
    List<JsonNode> updates = aws.jsonRequests("secretsmanager.UpdateSecret");
    assertEquals(2, updates.size());
    assertEquals("/pacha/bar/identity", updates.get(0).get("SecretId").asText());
    assertEquals(keyText, updates.get(0).get("SecretString").asText());
    assertEquals(
        "bar", aws.jsonRequests("secretsmanager.TagResource").get(0).at("/Tags/0/Value").asText());
  }

  @Test
  void putSecrets_secretsManagerExistsWithoutOverwrite_exit3() {
    aws.jsonError(
        "secretsmanager.CreateSecret", 400, "ResourceExistsException", "the secret exists");
    PachaCli.Run r = putSecrets("--secrets-manager");
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "ResourceExistsException", "--overwrite");
    assertTrue(aws.jsonRequests("secretsmanager.UpdateSecret").isEmpty());
  }

  @Test
  void putSecrets_passphraseKey_exit2AndNothingSent() throws Exception {
    Path locked = tmp.resolve("locked");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "words", "-f", locked.toString());
    PachaCli.Run r =
        pacha.run(
            "--config",
            config.toString(),
            "aws",
            "put-secrets",
            "--host",
            "bar",
            "--identity",
            locked.toString());
    assertEquals(2, r.code(), r::toString);
    assertOneLineError(r, "passphrase");
    assertTrue(aws.jsonRequests("AmazonSSM.PutParameter").isEmpty());
  }

  @Test
  void putSecrets_reservedOrRelativePrefix_exit2AndNothingSent() {
    PachaCli.Run reserved = putSecretsWithPrefix("/aws/bar");
    assertEquals(2, reserved.code(), reserved::toString);
    assertOneLineError(reserved, "reserves");
    PachaCli.Run relative = putSecretsWithPrefix("pacha/bar");
    assertEquals(2, relative.code(), relative::toString);
    assertOneLineError(relative, "not a parameter path");
    assertTrue(aws.jsonRequests("AmazonSSM.PutParameter").isEmpty());
  }

  private PachaCli.Run putSecretsWithPrefix(String prefix) {
    return pacha.run(
        "--config",
        config.toString(),
        "aws",
        "put-secrets",
        "--host",
        "bar",
        "--identity",
        key.toString(),
        "--parameter-prefix",
        prefix);
  }

  @Test
  void putSecrets_defaultPrefix_isPachaHost() {
    aws.json("AmazonSSM.PutParameter", "{\"Version\":1}");
    PachaCli.Run r =
        pacha.run(
            "--config",
            config.toString(),
            "aws",
            "put-secrets",
            "--host",
            "bar",
            "--identity",
            key.toString());
    assertEquals(0, r.code(), r::toString);
    assertEquals(
        "/pacha/bar/identity",
        aws.jsonRequests("AmazonSSM.PutParameter").get(0).get("Name").asText());
  }

  private PachaConfig loaded() {
    return ConfigLoader.read(config, "--config", Map.of("HOME", tmp.toString()));
  }

  @Test
  void fetch_ssm_getsTheParameterDecrypted() throws Exception {
    aws.json(
        "AmazonSSM.GetParameter",
        "{\"Parameter\":{\"Name\":\"/pacha/bar/identity\",\"Type\":\"SecureString\","
            + "\"Value\":"
            + new ObjectMapper().writeValueAsString(keyText)
            + ",\"Version\":1}}");
    byte[] got = new SsmSecretProvider().fetch("/pacha/bar/identity", loaded());
    assertArrayEquals(keyText.getBytes(StandardCharsets.UTF_8), got);
    JsonNode req = aws.jsonRequests("AmazonSSM.GetParameter").get(0);
    assertEquals("/pacha/bar/identity", req.get("Name").asText());
    assertTrue(req.get("WithDecryption").asBoolean(), req::toString);
  }

  @Test
  void fetch_parameterNotFound_transportErrorWithCodeAndHint() {
    aws.jsonError("AmazonSSM.GetParameter", 400, "ParameterNotFound", "");
    TransportException e =
        assertThrows(
            TransportException.class,
            () -> new SsmSecretProvider().fetch("/pacha/bar/identity", loaded()));
    assertTrue(e.getMessage().startsWith("ParameterNotFound"), e.getMessage());
    assertTrue(e.getMessage().contains("pacha aws put-secrets"), e.getMessage());
  }

  @Test
  void fetch_secretsManager_getsTheSecretString() throws Exception {
    aws.json(
        "secretsmanager.GetSecretValue",
        "{\"Name\":\"/pacha/bar/identity\",\"SecretString\":\"text-of-the-key\"}");
    byte[] got = new SecretsManagerSecretProvider().fetch("/pacha/bar/identity", loaded());
    assertEquals("text-of-the-key", new String(got, StandardCharsets.UTF_8));
    assertEquals(
        "/pacha/bar/identity",
        aws.jsonRequests("secretsmanager.GetSecretValue").get(0).get("SecretId").asText());
  }

  @Test
  void fetch_secretsManagerDenied_transportErrorWithCode() {
    aws.jsonError(
        "secretsmanager.GetSecretValue",
        400,
        "AccessDeniedException",
        "not authorized to perform: secretsmanager:GetSecretValue");
    TransportException e =
        assertThrows(
            TransportException.class,
            () -> new SecretsManagerSecretProvider().fetch("/pacha/bar/identity", loaded()));
    assertTrue(e.getMessage().startsWith("AccessDeniedException: not authorized"), e.getMessage());
  }

  /** A first-boot config that fetches the key from ssm:/pacha/bar; no master is reached. */
  private Path bootConfig(String onFailure, String... extra) throws Exception {
    Path boot = tmp.resolve("boot.conf");
    Files.writeString(
        boot,
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.host = 127.0.0.1",
            "pacha.hostname = bar",
            "pacha.ssh.identity = " + tmp.resolve("etc/id_master"),
            "pacha.state.dir = " + tmp.resolve("state"),
            "pacha.boot.secrets = ssm:/pacha/bar",
            "pacha.boot.on_failure = " + onFailure,
            aws.configLines()[0],
            aws.configLines()[1],
            extra.length == 0 ? "pacha.boot.deadline = 0" : String.join("\n", extra),
            ""));
    return boot;
  }

  private PachaCli.Run firstboot(Path boot) {
    return pacha.run(
        "--config",
        boot.toString(),
        "firstboot",
        "--no-daemon",
        "--instance-id",
        "i-1",
        "--status-file",
        tmp.resolve("status.json").toString());
  }

  @Test
  void firstboot_parameterNotFound_exit3OneLineWithCodeAndNoKeyWritten() throws Exception {
    aws.jsonError("AmazonSSM.GetParameter", 400, "ParameterNotFound", "");
    PachaCli.Run r = firstboot(bootConfig("fail"));
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "ssm:/pacha/bar/identity", "ParameterNotFound");
    assertFalse(Files.exists(tmp.resolve("etc/id_master")));
    JsonNode status = new ObjectMapper().readTree(tmp.resolve("status.json").toFile());
    assertEquals("failed", status.get("result").asText());
    assertEquals(3, status.get("exitCode").asInt());
    assertTrue(status.get("error").asText().contains("ParameterNotFound"), status::toString);
  }

  @Test
  void firstboot_accessDeniedDegrade_exit0StatusNamesTheCode() throws Exception {
    aws.jsonError(
        "AmazonSSM.GetParameter",
        400,
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/bar/i-1 is not authorized to perform:"
            + " ssm:GetParameter");
    PachaCli.Run r = firstboot(bootConfig("degrade"));
    assertEquals(0, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains("AccessDeniedException"), r::toString);
    JsonNode status = new ObjectMapper().readTree(tmp.resolve("status.json").toFile());
    assertEquals(3, status.get("exitCode").asInt());
    assertTrue(status.get("error").asText().contains("ssm:GetParameter"), status::toString);
  }

  @Test
  void firstboot_valueIsNoKey_exit1WithoutQuotingIt() throws Exception {
    aws.json(
        "AmazonSSM.GetParameter",
        "{\"Parameter\":{\"Name\":\"/pacha/bar/identity\",\"Value\":\"hunter2-not-a-key\"}}");
    PachaCli.Run r = firstboot(bootConfig("fail"));
    assertEquals(1, r.code(), r::toString);
    assertOneLineError(r, "is not a private key");
    assertFalse(r.err().contains("hunter2"), r::toString);
    assertFalse(Files.exists(tmp.resolve("etc/id_master")));
  }

  @Test
  void firstboot_deniedAtFirst_retriesWithBackoffThenFetchesTheKey() throws Exception {
    // IAM is eventually consistent and the role's credentials may come late at boot.
    aws.jsonSequence(
        "AmazonSSM.GetParameter",
        error("AccessDeniedException", "not authorized to perform: ssm:GetParameter"),
        ok(
            "{\"Parameter\":{\"Name\":\"/pacha/bar/identity\",\"Value\":"
                + new ObjectMapper().writeValueAsString(keyText)
                + "}}"));
    // Nothing listens on the master's port: once the key is there, the run ends at the deadline.
    int closed = dev.pacha.testing.OpenSshServer.freePort();
    PachaCli.Run r =
        firstboot(bootConfig("fail", "pacha.boot.deadline = 12", "pacha.ssh.port = " + closed));
    assertEquals(3, r.code(), r::toString);
    assertEquals(2, aws.jsonRequests("AmazonSSM.GetParameter").size(), r::toString);
    assertTrue(
        r.err().contains("the key for the master cannot be fetched yet (attempt 1)"), r::toString);
    assertTrue(r.out().contains("Fetched the key for the master"), r::toString);
    assertEquals(keyText, Files.readString(tmp.resolve("etc/id_master")));
    assertFalse(r.out().contains(keyBody()) || r.err().contains(keyBody()));
  }

  private static AwsStub.Answer ok(String body) {
    return new AwsStub.Answer(200, body);
  }

  private static AwsStub.Answer error(String code, String message) {
    return new AwsStub.Answer(400, "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }
}
