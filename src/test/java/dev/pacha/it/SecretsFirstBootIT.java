package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.AwsStub;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets mode end to end, as the README tells it: `pacha aws put-secrets`, `pacha cloud-init
 * render --secrets ssm:/pacha/bar` (applied by the real cloud-init into a scratch root), `pacha aws
 * launch` with that user-data, then on the "instance" the packaged launcher's `pacha firstboot`
 * fetches the key from SSM (an HTTP stub on 127.0.0.1), writes it 0600 and rebuilds bar from a real
 * sshd. The key must never show in output, SDK debug logs or the status file.
 */
class SecretsFirstBootIT {
  static final Path CLOUD_INIT = Path.of("/usr/bin/cloud-init");
  static AwsStub aws;

  @TempDir Path tmp;
  OpenSshServer sshd;
  Path master;
  Path sandbox;
  Path foo;
  Map<String, String> original;
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
  void pushBar() throws Exception {
    if (!Files.isExecutable(CLOUD_INIT)) {
      fail(CLOUD_INIT + " is missing: install cloud-init (the README's test command does)");
    }
    aws.reset();
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    keyText = Files.readString(sshd.clientKey());
    master = Files.createDirectories(tmp.resolve("master"));
    sandbox = tmp.resolve("sandbox");
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "listen 8080\n");
    Files.createDirectories(foo.resolve("private"));
    Files.setPosixFilePermissions(
        foo.resolve("private"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(foo.resolve("private/token"), "t0k3n\n");
    original = TreeState.of(foo);
    Path deadBar = sshd.config(tmp.resolve("bar.conf"), "bar", master, tmp.resolve("bar-state"));
    PachaCli.Run r =
        new PachaCli(tmp)
            .run(
                "--config",
                deadBar.toString(),
                "--watch",
                foo.toString(),
                "--target-root",
                sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    RebuildIT.deleteTree(sandbox); // bar is dead
  }

  @AfterEach
  void stopSshd() throws Exception {
    sshd.close();
  }

  /** The key's base64 lines: none of them may appear anywhere but in the key file. */
  private List<String> keyLines() {
    return keyText.lines().filter(l -> !l.startsWith("-----")).toList();
  }

  private void assertNoKey(String where, String text) {
    for (String line : keyLines()) {
      assertFalse(text.contains(line), "the key shows in " + where);
    }
  }

  /** The operator's config for the new bar: the key is fetched at boot, not carried. */
  private Path operatorConfig(String... extra) throws Exception {
    String[] lines = new String[extra.length + 3];
    lines[0] = aws.configLines()[0];
    lines[1] = aws.configLines()[1];
    lines[2] = "pacha.boot.deadline = 0";
    System.arraycopy(extra, 0, lines, 3, extra.length);
    return sshd.config(
        tmp.resolve("instance.conf"), "i-0123", master, tmp.resolve("instance-state"), lines);
  }

  /** render --secrets, then the real cloud-init writes the files into a scratch root. */
  private Path renderAndApply(Path config, Path root, Path userData) throws Exception {
    PachaCli.Run r =
        new PachaCli(tmp)
            .run(
                "--config",
                config.toString(),
                "cloud-init",
                "render",
                "--host",
                "bar",
                "--secrets",
                "ssm:/pacha/bar",
                "--known-hosts",
                sshd.knownHosts().toString(),
                "--root-prefix",
                root.toString(),
                "-o",
                userData.toString());
    assertEquals(0, r.code(), r::toString);
    Tools.Result ci =
        Tools.exec(
            tmp,
            null,
            List.of(
                CLOUD_INIT.toString(),
                "--file",
                userData.toString(),
                "single",
                "--name",
                "write_files",
                "--frequency",
                "always"));
    assertEquals(0, ci.code(), ci.output());
    return root.resolve("etc/pacha/pacha.conf");
  }

  /**
   * The packaged launcher, as pacha-rebuild.service runs it (with credentials: logging at debug).
   */
  private Tools.Result firstboot(Path config, boolean credentials) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                PromptIT.LAUNCHER.toString(),
                "--config",
                config.toString(),
                "firstboot",
                "--no-daemon",
                "-v",
                "--instance-id",
                "i-0123",
                "--target-root",
                sandbox.toString(),
                "--status-file",
                tmp.resolve("rebuild-status.json").toString())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("HOME", Files.createDirectories(tmp.resolve("instance-home")).toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    if (credentials) {
      env.put("PACHA_JAVA_OPTS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
      env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("firstboot did not finish");
    }
    return new Tools.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String json(String text) throws Exception {
    return new ObjectMapper().writeValueAsString(text);
  }

  @Test
  void secretsMode_putRenderLaunchFirstboot_keyFetchedWritten0600NeverShownAndBarRebuilt()
      throws Exception {
    Path config = operatorConfig();
    PachaCli pacha = new PachaCli(tmp);

    // 1. The operator stores bar's key and config in SSM.
    aws.json("AmazonSSM.PutParameter", "{\"Version\":1,\"Tier\":\"Standard\"}");
    PachaCli.Run put =
        pacha.run(
            "--config",
            config.toString(),
            "aws",
            "put-secrets",
            "--host",
            "bar",
            "--identity",
            sshd.clientKey().toString(),
            "--parameter-prefix",
            "/pacha/bar");
    assertEquals(0, put.code(), put::toString);
    assertNoKey("put-secrets' output", put.out() + put.err());
    JsonNode stored = aws.jsonRequests("AmazonSSM.PutParameter").get(0);
    assertEquals("/pacha/bar/identity", stored.get("Name").asText());
    assertEquals(keyText, stored.get("Value").asText());

    // 2. User-data that names the parameter prefix only.
    Path root = tmp.resolve("root");
    Path userData = tmp.resolve("user-data");
    Path instanceConfig = renderAndApply(config, root, userData);
    String ud = Files.readString(userData);
    assertNoKey("the user-data", ud);
    assertTrue(
        Files.readString(instanceConfig).contains("pacha.boot.secrets = ssm:/pacha/bar\n"), ud);
    assertFalse(Files.exists(root.resolve("etc/pacha/id_master")), "no key before first boot");

    // 3. The replacement instance, with that user-data.
    aws.query(
        "DescribeImages",
        "<DescribeImagesResponse><imagesSet><item><imageId>ami-0base</imageId>"
            + "<creationDate>2026-01-01T00:00:00.000Z</creationDate></item></imagesSet>"
            + "</DescribeImagesResponse>");
    aws.query(
        "RunInstances",
        "<RunInstancesResponse><instancesSet><item><instanceId>i-0123</instanceId>"
            + "<instanceState><code>0</code><name>pending</name></instanceState></item>"
            + "</instancesSet></RunInstancesResponse>");
    PachaCli.Run launch =
        pacha.run(
            "--config",
            config.toString(),
            "aws",
            "launch",
            "--host",
            "bar",
            "--image-tag",
            "pacha:role=base",
            "--user-data",
            userData.toString(),
            "--instance-profile",
            "pacha-bar");
    assertEquals(0, launch.code(), launch::toString);
    assertTrue(launch.out().startsWith("i-0123 pending"), launch::toString);
    Map<String, String> run = aws.queryRequests("RunInstances").get(0);
    assertEquals("ami-0base", run.get("ImageId"));
    assertArrayEquals(
        Files.readAllBytes(userData), Base64.getDecoder().decode(run.get("UserData")));

    // 4. First boot: SSM hands out the key (without its final newline, as a console paste may
    // store it) to the instance's credentials.
    aws.json(
        "AmazonSSM.GetParameter",
        "{\"Parameter\":{\"Name\":\"/pacha/bar/identity\",\"Type\":\"SecureString\",\"Value\":"
            + json(keyText.stripTrailing())
            + ",\"Version\":1}}");
    Tools.Result boot = firstboot(instanceConfig, true);
    assertEquals(0, boot.code(), boot.output());
    JsonNode get = aws.jsonRequests("AmazonSSM.GetParameter").get(0);
    assertEquals("/pacha/bar/identity", get.get("Name").asText());
    assertTrue(get.get("WithDecryption").asBoolean());

    Path key = root.resolve("etc/pacha/id_master");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(keyText, Files.readString(key), "the key, with its final newline");
    assertEquals(original, TreeState.of(foo), "content, owners and modes are back");

    JsonNode status = new ObjectMapper().readTree(tmp.resolve("rebuild-status.json").toFile());
    assertEquals("success", status.get("result").asText(), status::toString);
    assertTrue(
        boot.output().contains("Fetched the key for the master from ssm:/pacha/bar/identity"),
        boot.output());
    // The SDK logged at debug level, and still no key anywhere.
    assertTrue(boot.output().contains("software.amazon.awssdk"), boot.output());
    assertNoKey("first boot's output and logs", boot.output());
    assertNoKey("the status file", Files.readString(tmp.resolve("rebuild-status.json")));
    String report = status.get("report").asText();
    assertNoKey("the rebuild report", Files.readString(Path.of(report)));
  }

  @Test
  void firstboot_noAwsCredentials_exit3OneLineNoKeyWritten() throws Exception {
    Path root = tmp.resolve("root");
    Path instanceConfig =
        renderAndApply(
            operatorConfig("pacha.boot.on_failure = fail"), root, tmp.resolve("user-data"));
    Tools.Result boot = firstboot(instanceConfig, false);
    assertEquals(3, boot.code(), boot.output());
    List<String> errors = boot.output().lines().filter(l -> l.startsWith("pacha: ")).toList();
    assertEquals(1, errors.size(), boot.output());
    assertTrue(errors.get(0).contains("ssm:/pacha/bar/identity"), boot.output());
    assertTrue(errors.get(0).contains("no AWS credentials found"), boot.output());
    assertFalse(boot.output().contains("\tat "), boot.output());
    assertFalse(Files.exists(root.resolve("etc/pacha/id_master")));
    assertTrue(aws.jsonRequests("AmazonSSM.GetParameter").isEmpty(), "nothing unsigned is sent");
  }
}
