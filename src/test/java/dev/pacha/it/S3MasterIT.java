package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import dev.pacha.testing.TreeState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash story with {@code pacha.master.url = s3://...}: watch, push, hooks push, verify and a
 * rebuild on a "new machine", against s3proxy on loopback, through the in-process CLI; and the
 * shaded jar through its launcher.
 */
class S3MasterIT {
  static S3Server server;
  static int buckets;

  @TempDir Path tmp;
  PachaCli pacha;
  Path sandbox;
  Path foo;
  String bucket;
  Path config;

  @BeforeAll
  static void start() throws Exception {
    S3Server.useTestCredentials();
    server = S3Server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void tree() throws Exception {
    pacha = new PachaCli(tmp);
    sandbox = tmp.resolve("sandbox");
    foo = sandbox.resolve("opt/foo");
    Files.createDirectories(foo.resolve("conf.d"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    Files.writeString(foo.resolve("conf.d/secret"), "token\n");
    Files.setPosixFilePermissions(
        foo.resolve("conf.d/secret"), PosixFilePermissions.fromString("rw-r-----"));
    Files.createSymbolicLink(foo.resolve("current"), Path.of("app.conf"));
    Files.createDirectories(foo.resolve("empty"));
    bucket = "fleet-" + ++buckets;
    server.createBucket(bucket);
    config =
        server.config(
            tmp.resolve("pacha.conf"), "bar", bucket, "/pacha/hosts", tmp.resolve("state"));
  }

  private PachaCli.Run cli(Path cfg, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = cfg.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return pacha.run(all);
  }

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private Path hookDir(String name, String phase, Path log) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("hooks").resolve(name));
    Files.writeString(
        dir.resolve("10-" + phase),
        "#!/bin/sh\necho \"$PACHA_PHASE $PACHA_HOST\" >> " + log + "\n",
        StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void watchPushHooksRebuild_s3Master_newMachineIsBarAgain() throws Exception {
    PachaCli.Run watch =
        cli(config, "--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(0, watch.code(), watch::toString);
    assertTrue(watch.out().contains("2 new contents"), watch::toString);

    Files.writeString(foo.resolve("app.conf"), "port = 9090\n");
    PachaCli.Run push = cli(config, "push", "--json");
    assertEquals(0, push.code(), push::toString);
    assertEquals(1, json(push.out()).get("uploadedObjects").asInt(), push::toString);
    assertEquals(1, json(push.out()).get("reusedObjects").asInt(), push::toString);

    Path log = tmp.resolve("hooks.log");
    PachaCli.Run hooks =
        cli(
            config,
            "hooks",
            "push",
            "bar",
            "--pre",
            hookDir("pre", "pre", log).toString(),
            "--post",
            hookDir("post", "post", log).toString());
    assertEquals(0, hooks.code(), hooks::toString);
    assertTrue(
        hooks.out().contains("Pushed 1 hook to s3://" + bucket + "/pacha/hosts/bar/pacha_pre"),
        hooks::toString);

    PachaCli.Run verify = cli(config, "verify", "bar", "--all");
    assertEquals(0, verify.code(), verify::toString);
    PachaCli.Run logRun = cli(config, "log", "bar", "--json");
    assertEquals(2, json(logRun.out()).size(), logRun::toString);
    PachaCli.Run hosts = cli(config, "hosts");
    assertTrue(hosts.out().contains("bar"), hosts::toString);

    // A new machine: its own state dir, the same bucket.
    Path newRoot = tmp.resolve("new-machine");
    Path config2 =
        server.config(
            tmp.resolve("new.conf"), "bar", bucket, "/pacha/hosts", tmp.resolve("state2"));
    PachaCli.Run rebuild =
        cli(config2, "--rebuild", "bar", "--yes", "--target-root", newRoot.toString());
    assertEquals(0, rebuild.code(), rebuild::toString);
    Map<String, String> want = TreeState.of(foo);
    assertEquals(want, TreeState.of(newRoot.resolve("opt/foo")));
    assertEquals(List.of("pre bar", "post bar"), Files.readAllLines(log));
  }

  @Test
  void watch_missingBucket_exitsThreeWithTheAwsCodeOnOneLine() throws Exception {
    Path cfg =
        server.config(
            tmp.resolve("nobucket.conf"), "bar", "no-such-bucket", "/p", tmp.resolve("state3"));
    PachaCli.Run r = cli(cfg, "--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(3, r.code(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertTrue(
        r.err().contains("s3://no-such-bucket/p/bar/snapshots: NoSuchBucket: The specified bucket"),
        r::toString);
    assertFalse(r.err().contains("\tat "), "no stack trace");
  }

  @Test
  void hosts_wrongSecret_exitsThreeNamingTheCredentials() {
    System.setProperty("aws.secretAccessKey", "not-the-secret");
    try {
      PachaCli.Run r = cli(config, "hosts");
      assertEquals(3, r.code(), r::toString);
      assertTrue(r.err().contains("SignatureDoesNotMatch"), r::toString);
      assertTrue(r.err().contains("check the AWS credentials"), r::toString);
      assertFalse(r.err().contains("\tat "), "no stack trace");
    } finally {
      S3Server.useTestCredentials();
    }
  }

  @Test
  void hooksPush_noPhaseGiven_exitsTwoSayingWhatToGive() {
    PachaCli.Run r = cli(config, "hooks", "push", "bar");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("give --pre DIR, --post DIR or both"), r::toString);
    PachaCli.Run missing =
        cli(config, "hooks", "push", "bar", "--pre", tmp.resolve("nope").toString());
    assertEquals(2, missing.code(), missing::toString);
    assertTrue(missing.err().contains("is not a directory"), missing::toString);
  }

  @Test
  void configValues_s3Keys_shownAsInEffect() {
    PachaCli.Run r = cli(config, "--config-values");
    assertEquals(0, r.code(), r::toString);
    assertTrue(
        r.out().contains("pacha.master.url = s3://" + bucket + "/pacha/hosts\n"), r::toString);
    assertTrue(r.out().contains("pacha.s3.endpoint = " + server.endpoint() + "\n"), r::toString);
    assertTrue(r.out().contains("pacha.s3.region = us-east-1\n"), r::toString);
    assertTrue(r.out().contains("pacha.s3.path_style = True\n"), r::toString);
  }

  /** The shaded jar finds the S3 backend (META-INF/services) and the SDK's resources. */
  @Test
  void launcher_shadedJar_watchesAndLogsOverS3WithCleanStderr() throws Exception {
    assertTrue(Files.isExecutable(PromptIT.LAUNCHER), "build the launcher first: mvn package");
    ProcessBuilder pb =
        new ProcessBuilder(
            PromptIT.LAUNCHER.toString(),
            "--config",
            config.toString(),
            "watch",
            foo.toString(),
            "--target-root",
            sandbox.toString());
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("HOME", tmp.resolve("home").toString());
    env.put("PACHA_STATE_DIR", tmp.resolve("default-state").toString());
    Path out = tmp.resolve("launcher.out");
    Path err = tmp.resolve("launcher.err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher timed out");
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertEquals(0, p.exitValue(), stdout + stderr);
    assertTrue(stdout.contains("Pushed snapshot"), stdout);
    assertEquals("", stderr, "no SLF4J or SDK noise on stderr");
    PachaCli.Run log = cli(config, "log", "bar", "--json");
    assertEquals(1, json(log.out()).size(), log::toString);
  }
}
