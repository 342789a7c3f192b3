package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.AwsSettings;
import dev.pacha.testing.AwsStub;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SDK sends to EC2 for `pacha aws launch` and `find-image` (user-data base64 once, IMDSv2,
 * tags, image lookup) and how EC2's errors come out: against an HTTP stub on 127.0.0.1.
 */
class Ec2ProtocolIT {
  static final String NS = " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
  static AwsStub aws;

  @TempDir Path tmp;
  PachaCli pacha;
  Path config;
  Path userData;
  byte[] userDataBytes;

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
    config = tmp.resolve("pacha.conf");
    Files.writeString(
        config, "[DEFAULT]\npacha.host = m\n" + String.join("\n", aws.configLines()) + "\n");
    userDataBytes =
        ("#cloud-config\n# pacha user-data for host bar\nwrite_files:\n"
                + "  - path: /etc/pacha/pacha.conf\n    content: |\n      [DEFAULT]\n")
            .getBytes(StandardCharsets.UTF_8);
    userData = Files.write(tmp.resolve("user-data"), userDataBytes);
  }

  static String instanceXml(String state, String reason) {
    return "<instanceId>i-0123456789abcdef0</instanceId><imageId>ami-0aaa</imageId>"
        + "<instanceState><code>0</code><name>"
        + state
        + "</name></instanceState>"
        + (reason == null
            ? ""
            : "<stateReason><code>Server.InternalError</code><message>"
                + reason
                + "</message></stateReason>")
        + "<privateIpAddress>10.0.0.12</privateIpAddress><instanceType>t3.micro</instanceType>"
        + "<placement><availabilityZone>us-east-1a</availabilityZone></placement>";
  }

  static String runInstances() {
    return "<RunInstancesResponse"
        + NS
        + "><requestId>r-1</requestId><reservationId>r-0abc</reservationId>"
        + "<ownerId>123456789012</ownerId><groupSet/><instancesSet><item>"
        + instanceXml("pending", null)
        + "</item></instancesSet></RunInstancesResponse>";
  }

  static String describeInstances(String state, String reason) {
    return "<DescribeInstancesResponse"
        + NS
        + "><requestId>r-2</requestId><reservationSet><item><reservationId>r-0abc</reservationId>"
        + "<instancesSet><item>"
        + instanceXml(state, reason)
        + "</item></instancesSet></item></reservationSet></DescribeInstancesResponse>";
  }

  static String images(String... idAndDate) {
    StringBuilder sb =
        new StringBuilder(
            "<DescribeImagesResponse" + NS + "><requestId>r-3</requestId><imagesSet>");
    for (int i = 0; i < idAndDate.length; i += 2) {
      sb.append("<item><imageId>")
          .append(idAndDate[i])
          .append("</imageId><name>pacha-base-")
          .append(i / 2)
          .append("</name><creationDate>")
          .append(idAndDate[i + 1])
          .append("</creationDate><imageState>available</imageState></item>");
    }
    return sb.append("</imagesSet></DescribeImagesResponse>").toString();
  }

  private PachaCli.Run aws(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", config.toString(), "aws"));
    all.addAll(List.of(args));
    return pacha.run(all.toArray(String[]::new));
  }

  private PachaCli.Run launch(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("launch", "--host", "bar", "--user-data", userData.toString()));
    args.addAll(List.of(extra));
    return aws(args.toArray(String[]::new));
  }

  private static void assertOneLineError(PachaCli.Run r, String... needles) {
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
    for (String n : needles) {
      assertTrue(r.err().contains(n), () -> n + " missing in " + r);
    }
  }

  @Test
  void launch_imageId_userDataBase64OnceImdsV2RequiredAndTagsOnInstanceAndVolumes() {
    aws.query("RunInstances", runInstances());
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(0, r.code(), r::toString);
    // No terminal: stdout is the one line a script reads.
    assertEquals("i-0123456789abcdef0 pending 10.0.0.12\n", r.out(), r::toString);
    assertEquals("", r.err(), "no key in this user-data, no warning");
    List<Map<String, String>> runs = aws.queryRequests("RunInstances");
    assertEquals(1, runs.size());
    Map<String, String> run = runs.get(0);
    assertEquals("ami-0aaa", run.get("ImageId"));
    assertEquals("t3.micro", run.get("InstanceType"));
    assertEquals("1", run.get("MinCount"));
    assertEquals("1", run.get("MaxCount"));
    // Decoded once, it is the file, byte for byte (and not base64 text to decode again).
    assertArrayEquals(userDataBytes, Base64.getDecoder().decode(run.get("UserData")));
    assertEquals("required", run.get("MetadataOptions.HttpTokens"));
    assertEquals("enabled", run.get("MetadataOptions.HttpEndpoint"));
    assertEquals("instance", run.get("TagSpecification.1.ResourceType"));
    assertEquals("Name", run.get("TagSpecification.1.Tag.1.Key"));
    assertEquals("bar", run.get("TagSpecification.1.Tag.1.Value"));
    assertEquals("pacha:host", run.get("TagSpecification.1.Tag.2.Key"));
    assertEquals("bar", run.get("TagSpecification.1.Tag.2.Value"));
    assertEquals("volume", run.get("TagSpecification.2.ResourceType"));
    assertEquals("bar", run.get("TagSpecification.2.Tag.1.Value"));
    assertEquals("pacha:host", run.get("TagSpecification.2.Tag.2.Key"));
    assertNotNull(run.get("ClientToken"), "a retried call must not launch twice");
    assertNull(run.get("SubnetId"));
    assertTrue(aws.queryRequests("DescribeImages").isEmpty());
  }

  @Test
  void launch_gzippedUserData_bytesArriveUnchanged() throws Exception {
    aws.query("RunInstances", runInstances());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(userDataBytes);
    }
    Files.write(userData, gz.toByteArray());
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(0, r.code(), r::toString);
    assertArrayEquals(
        gz.toByteArray(),
        Base64.getDecoder().decode(aws.queryRequests("RunInstances").get(0).get("UserData")));
  }

  @Test
  void launch_networkAndProfileOptions_sent() {
    aws.query("RunInstances", runInstances());
    PachaCli.Run r =
        launch(
            "--image-id",
            "ami-0aaa",
            "--instance-type",
            "t4g.small",
            "--subnet",
            "subnet-0abc",
            "--security-group",
            "sg-01",
            "--security-group",
            "sg-02",
            "--instance-profile",
            "arn:aws:iam::123456789012:instance-profile/pacha-bar");
    assertEquals(0, r.code(), r::toString);
    Map<String, String> run = aws.queryRequests("RunInstances").get(0);
    assertEquals("t4g.small", run.get("InstanceType"));
    assertEquals("subnet-0abc", run.get("SubnetId"));
    assertEquals("sg-01", run.get("SecurityGroupId.1"));
    assertEquals("sg-02", run.get("SecurityGroupId.2"));
    assertEquals(
        "arn:aws:iam::123456789012:instance-profile/pacha-bar", run.get("IamInstanceProfile.Arn"));

    aws.reset();
    aws.query("RunInstances", runInstances());
    assertEquals(0, launch("--image-id", "ami-0aaa", "--instance-profile", "pacha-bar").code());
    assertEquals(
        "pacha-bar", aws.queryRequests("RunInstances").get(0).get("IamInstanceProfile.Name"));
  }

  @Test
  void launch_imageTag_looksUpOwnImagesWithTheTagAndLaunchesTheNewest() {
    aws.query(
        "DescribeImages",
        images(
            "ami-0old", "2026-01-02T10:00:00.000Z",
            "ami-0new", "2026-03-01T08:30:00.000Z",
            "ami-0mid", "2026-02-15T23:59:59.000Z"));
    aws.query("RunInstances", runInstances());
    PachaCli.Run r = launch("--image-tag", "pacha:role=base", "--json");
    assertEquals(0, r.code(), r::toString);
    Map<String, String> describe = aws.queryRequests("DescribeImages").get(0);
    assertEquals("self", describe.get("Owner.1"));
    assertEquals("tag:pacha:role", describe.get("Filter.1.Name"));
    assertEquals("base", describe.get("Filter.1.Value.1"));
    assertEquals("state", describe.get("Filter.2.Name"));
    assertEquals("available", describe.get("Filter.2.Value.1"));
    assertEquals("ami-0new", aws.queryRequests("RunInstances").get(0).get("ImageId"));
    assertTrue(r.out().contains("\"imageId\" : \"ami-0new\""), r::toString);
  }

  @Test
  void launch_imageTagMatchesNothing_exit1NoLaunch() {
    aws.query("DescribeImages", images());
    PachaCli.Run r = launch("--image-tag", "pacha:role=base");
    assertEquals(1, r.code(), r::toString);
    assertOneLineError(r, "no available image", "pacha:role=base", "us-east-1");
    assertTrue(aws.queryRequests("RunInstances").isEmpty());
  }

  @Test
  void findImage_defaultTag_printsTheNewest() throws Exception {
    aws.query(
        "DescribeImages",
        images("ami-0b", "2026-05-01T00:00:00.000Z", "ami-0a", "2025-12-31T00:00:00.000Z"));
    PachaCli.Run r = aws("find-image");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("ami-0b pacha-base-0 2026-05-01T00:00:00.000Z"), r::toString);
    assertEquals("tag:pacha:role", aws.queryRequests("DescribeImages").get(0).get("Filter.1.Name"));
    JsonNode json = new ObjectMapper().readTree(aws("find-image", "--json").out());
    assertEquals("ami-0b", json.get("imageId").asText());
    assertEquals("us-east-1", json.get("region").asText());
  }

  @Test
  void findImage_none_exit1() {
    aws.query("DescribeImages", images());
    PachaCli.Run r = aws("find-image", "--tag", "pacha:role=web");
    assertEquals(1, r.code(), r::toString);
    assertOneLineError(r, "pacha:role=web", "pacha image bake");
  }

  @Test
  void launch_waitRunning_printsRunningWithItsAddress() throws Exception {
    aws.query("RunInstances", runInstances());
    aws.query("DescribeInstances", describeInstances("running", null));
    PachaCli.Run r = launch("--image-id", "ami-0aaa", "--wait", "--json");
    assertEquals(0, r.code(), r::toString);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals("i-0123456789abcdef0", json.get("instanceId").asText());
    assertEquals("running", json.get("state").asText());
    assertEquals("10.0.0.12", json.get("privateIpAddress").asText());
    assertEquals(
        "i-0123456789abcdef0", aws.queryRequests("DescribeInstances").get(0).get("InstanceId.1"));
  }

  @Test
  void launch_waitWhilePending_pollsUntilRunning() {
    aws.query("RunInstances", runInstances());
    aws.querySequence(
        "DescribeInstances",
        describeInstances("pending", null),
        describeInstances("pending", null),
        describeInstances("running", null));
    List<String> steps = new ArrayList<>();
    Ec2Service.Launched l =
        new Ec2Service(settings(), Duration.ofMillis(50))
            .launch(request(true, Duration.ofSeconds(30)), recorder(steps));
    assertEquals("running", l.state());
    assertEquals(3, aws.queryRequests("DescribeInstances").size());
    assertTrue(steps.get(1).startsWith("Waiting for i-0123456789abcdef0"), steps::toString);
  }

  @Test
  void launch_instanceTerminatesWhileWaiting_failsNamingStateAndReason() {
    aws.query("RunInstances", runInstances());
    aws.query(
        "DescribeInstances",
        describeInstances("terminated", "Server.InternalError: Internal error on launch"));
    PachaException e =
        assertThrows(
            PachaException.class,
            () ->
                new Ec2Service(settings(), Duration.ofMillis(50))
                    .launch(request(true, Duration.ofSeconds(30)), Reporter.silent()));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().contains("is terminated"), e.getMessage());
    assertTrue(e.getMessage().contains("Internal error on launch"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void launch_stillPendingAtTimeout_failsSayingItWasLaunched() {
    aws.query("RunInstances", runInstances());
    aws.query("DescribeInstances", describeInstances("pending", null));
    PachaException e =
        assertThrows(
            PachaException.class,
            () ->
                new Ec2Service(settings(), Duration.ofMillis(100))
                    .launch(request(true, Duration.ofMillis(600)), Reporter.silent()));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(
        e.getMessage().startsWith("i-0123456789abcdef0 was launched but did not reach running"),
        e.getMessage());
  }

  private AwsSettings settings() {
    return new AwsSettings(Optional.of(aws.endpoint()), Optional.of(AwsStub.REGION));
  }

  private Ec2Service.LaunchRequest request(boolean wait, Duration timeout) {
    return new Ec2Service.LaunchRequest(
        "bar",
        Optional.of("ami-0aaa"),
        Optional.empty(),
        userData,
        "t3.micro",
        Optional.empty(),
        List.of(),
        Optional.empty(),
        wait,
        timeout);
  }

  private static Reporter recorder(List<String> steps) {
    return new Reporter() {
      @Override
      public void step(String message) {
        steps.add(message);
      }

      @Override
      public void warn(String message) {
        steps.add("warn: " + message);
      }
    };
  }

  @Test
  void launch_unauthorizedOperation_exit3OneLineWithCodeWithoutTheEncodedBlob() {
    aws.queryError(
        "RunInstances",
        403,
        "UnauthorizedOperation",
        "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ops"
            + " is not authorized to perform: ec2:RunInstances. Encoded authorization failure"
            + " message: "
            + "AbCdEf0123456789".repeat(40));
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(
        r, "cannot launch an instance for bar", "UnauthorizedOperation", "ec2:RunInstances");
    assertFalse(r.err().contains("AbCdEf0123456789"), r::toString);
  }

  @Test
  void launch_invalidAmi_exit3WithCode() {
    aws.queryError(
        "RunInstances", 400, "InvalidAMIID.NotFound", "The image id '[ami-0aaa]' does not exist");
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "InvalidAMIID.NotFound", "does not exist", "region");
  }

  @Test
  void findImage_authFailure_exit3SaysUnauthorizedAndCredentials() {
    // EC2 answers AuthFailure with 401; the JDK's HTTP client loses the body of a 401 to a POST,
    // so the line names the status instead of the code.
    aws.queryError(
        "DescribeImages", 401, "AuthFailure", "AWS was not able to validate the credentials");
    PachaCli.Run r = aws("find-image");
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "Unauthorized (HTTP 401)", "check the AWS credentials");
  }

  @Test
  void findImage_authFailureAs400_exit3WithCode() {
    aws.queryError(
        "DescribeImages", 400, "AuthFailure", "AWS was not able to validate the credentials");
    PachaCli.Run r = aws("find-image");
    assertEquals(3, r.code(), r::toString);
    assertOneLineError(r, "AuthFailure: AWS was not able to validate", "check the AWS credentials");
  }

  @Test
  void launch_userDataOverTheLimit_exit2NothingSent() throws Exception {
    Files.write(userData, new byte[Ec2Service.USER_DATA_LIMIT + 1]);
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(2, r.code(), r::toString);
    assertOneLineError(r, "16385 bytes", "16384");
    assertTrue(aws.queryRequests("RunInstances").isEmpty());
  }

  @Test
  void launch_userDataAtTheLimit_sent() throws Exception {
    byte[] full = new byte[Ec2Service.USER_DATA_LIMIT];
    java.util.Arrays.fill(full, (byte) '#');
    Files.write(userData, full);
    aws.query("RunInstances", runInstances());
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(0, r.code(), r::toString);
    assertEquals(
        Ec2Service.USER_DATA_LIMIT,
        Base64.getDecoder()
            .decode(aws.queryRequests("RunInstances").get(0).get("UserData"))
            .length);
  }

  @Test
  void launch_userDataAlreadyBase64_exit2NothingSent() throws Exception {
    Files.writeString(userData, Base64.getMimeEncoder().encodeToString(userDataBytes) + "\n");
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(2, r.code(), r::toString);
    assertOneLineError(r, "already base64");
    assertTrue(aws.queryRequests("RunInstances").isEmpty());
  }

  @Test
  void launch_badOptionCombinations_exit2() {
    assertEquals(2, launch().code(), "neither --image-id nor --image-tag");
    assertEquals(
        2, launch("--image-id", "ami-0aaa", "--image-tag", "pacha:role=base").code(), "both");
    assertEquals(2, launch("--image-id", "centos7").code());
    assertEquals(2, launch("--image-tag", "pacha:role").code());
    assertEquals(2, launch("--image-id", "ami-0aaa", "--subnet", "my-subnet").code());
    assertEquals(2, launch("--image-id", "ami-0aaa", "--security-group", "default").code());
    assertEquals(2, launch("--image-id", "ami-0aaa", "--wait-timeout", "0").code());
    PachaCli.Run host =
        aws(
            "launch",
            "--host",
            "../x",
            "--image-id",
            "ami-0aaa",
            "--user-data",
            userData.toString());
    assertEquals(2, host.code(), host::toString);
    assertTrue(aws.queryRequests("RunInstances").isEmpty());
  }

  @Test
  void launch_userDataWithAKey_warnsAndStillLaunches() throws Exception {
    aws.query("RunInstances", runInstances());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(
          ("#cloud-config\nwrite_files:\n  - content: |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    Files.write(userData, gz.toByteArray());
    PachaCli.Run r = launch("--image-id", "ami-0aaa");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().startsWith("pacha: warning: --user-data"), r::toString);
    assertTrue(r.err().contains("holds a private key"), r::toString);
    assertEquals(1, aws.queryRequests("RunInstances").size());
  }
}
