package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.config.ConfigLoader;
import dev.pacha.testing.DockerEngine;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;

/**
 * S3, SSM and EC2 as LocalStack emulates them, through the CLI: the S3 master store, put-secrets
 * and the ssm: provider, launch and find-image. Runs only where a Docker engine answers (see {@link
 * DockerEngine}); everywhere else the stub tests check the same requests.
 */
@ExtendWith(DockerEngine.class)
class LocalStackIT {
  /** Pinned: a community image that needs no account. */
  static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

  static LocalStackContainer localstack;

  @TempDir Path tmp;
  PachaCli pacha;
  Path config;

  @BeforeAll
  static void start() {
    // LocalStack takes any key; the JVM-wide test key keeps s3proxy's tests working alongside.
    S3Server.useTestCredentials();
    localstack = new LocalStackContainer(IMAGE).withServices(Service.S3, Service.SSM, Service.EC2);
    localstack.start();
  }

  @AfterAll
  static void stop() {
    if (localstack != null) {
      localstack.stop();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    pacha = new PachaCli(tmp);
    config = tmp.resolve("pacha.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.hostname = bar",
            "pacha.master.url = s3://pacha-fleet/hosts",
            "pacha.state.dir = " + tmp.resolve("state"),
            "pacha.s3.endpoint = " + localstack.getEndpoint(),
            "pacha.s3.region = " + localstack.getRegion(),
            "pacha.s3.path_style = True",
            "pacha.aws.endpoint = " + localstack.getEndpoint(),
            "pacha.aws.region = " + localstack.getRegion(),
            ""));
  }

  private PachaCli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return pacha.run(all.toArray(String[]::new));
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C>
      C client(B builder) {
    return builder
        .endpointOverride(localstack.getEndpoint())
        .region(Region.of(localstack.getRegion()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
        .build();
  }

  @Test
  void s3_pushThenRebuild_treeComesBack() throws Exception {
    try (S3Client s3 = client(S3Client.builder().forcePathStyle(true))) {
      s3.createBucket(b -> b.bucket("pacha-fleet"));
    }
    Path sandbox = tmp.resolve("sandbox");
    Path foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    Map<String, String> original = TreeState.of(foo);
    PachaCli.Run push = cli("--watch", foo.toString(), "--target-root", sandbox.toString());
    assertEquals(0, push.code(), push::toString);
    Path fresh = tmp.resolve("fresh");
    PachaCli.Run rebuild = cli("--rebuild", "bar", "--yes", "--target-root", fresh.toString());
    assertEquals(0, rebuild.code(), rebuild::toString);
    assertEquals(original, TreeState.of(fresh.resolve("opt/foo")));
  }

  @Test
  void ssm_putSecretsThenFetch_roundTripsTheKeyDecryptedAndTagged() throws Exception {
    Path key = tmp.resolve("bar_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    String[] put = {
      "aws",
      "put-secrets",
      "--host",
      "bar",
      "--identity",
      key.toString(),
      "--parameter-prefix",
      "/pacha/bar"
    };
    PachaCli.Run first = cli(put);
    assertEquals(0, first.code(), first::toString);
    byte[] fetched =
        new SsmSecretProvider()
            .fetch(
                "/pacha/bar/identity",
                ConfigLoader.read(config, "--config", Map.of("HOME", tmp.toString())));
    assertArrayEquals(Files.readAllBytes(key), fetched);
    try (SsmClient ssm = client(SsmClient.builder())) {
      List<software.amazon.awssdk.services.ssm.model.Tag> tags =
          ssm.listTagsForResource(
                  b ->
                      b.resourceType(ResourceTypeForTagging.PARAMETER)
                          .resourceId("/pacha/bar/config"))
              .tagList();
      assertTrue(
          tags.stream().anyMatch(t -> t.key().equals("pacha:host") && t.value().equals("bar")),
          tags::toString);
    }
    PachaCli.Run again = cli(put);
    assertEquals(3, again.code(), again::toString);
    assertTrue(again.err().contains("ParameterAlreadyExists"), again::toString);
    List<String> overwrite = new ArrayList<>(List.of(put));
    overwrite.add("--overwrite");
    PachaCli.Run replaced = cli(overwrite.toArray(String[]::new));
    assertEquals(0, replaced.code(), replaced::toString);
  }

  @Test
  void ec2_launchThenFindImage_tagsUserDataOnceAndNewestImage() throws Exception {
    byte[] userData = "#cloud-config\nwrite_files: []\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(tmp.resolve("user-data"), userData);
    try (Ec2Client ec2 = client(Ec2Client.builder())) {
      String anyImage = ec2.describeImages(b -> b.maxResults(5)).images().get(0).imageId();
      PachaCli.Run launch =
          cli(
              "aws",
              "launch",
              "--host",
              "bar",
              "--image-id",
              anyImage,
              "--user-data",
              file.toString(),
              "--wait",
              "--wait-timeout",
              "60s");
      assertEquals(0, launch.code(), launch::toString);
      String id = launch.out().strip().split(" ")[0];
      assertTrue(id.startsWith("i-"), launch::toString);

      Instance i =
          ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
      assertTrue(i.tags().contains(Tag.builder().key("Name").value("bar").build()), i::toString);
      assertTrue(
          i.tags().contains(Tag.builder().key("pacha:host").value("bar").build()), i::toString);
      if (i.metadataOptions() != null && i.metadataOptions().httpTokens() != null) {
        // Older emulations drop metadata options; the stub test checks what is sent.
        assertEquals(HttpTokensState.REQUIRED, i.metadataOptions().httpTokens());
      }
      String stored =
          ec2.describeInstanceAttribute(b -> b.instanceId(id).attribute("userData"))
              .userData()
              .value();
      assertArrayEquals(userData, Base64.getDecoder().decode(stored), "base64 once, not twice");

      // Two images of bar, a second apart: find-image takes the newer.
      String older = image(ec2, id, "pacha-base-1");
      Thread.sleep(1100);
      String newer = image(ec2, id, "pacha-base-2");
      PachaCli.Run found = cli("aws", "find-image", "--tag", "pacha:role=localstack-it");
      assertEquals(0, found.code(), found::toString);
      assertTrue(found.out().startsWith(newer + " "), found + " (older: " + older + ")");
    }
  }

  private static String image(Ec2Client ec2, String instance, String name) {
    return ec2.createImage(
            b ->
                b.instanceId(instance)
                    .name(name)
                    .tagSpecifications(
                        t ->
                            t.resourceType(ResourceType.IMAGE)
                                .tags(
                                    Tag.builder()
                                        .key("pacha:role")
                                        .value("localstack-it")
                                        .build())))
        .imageId();
  }
}
