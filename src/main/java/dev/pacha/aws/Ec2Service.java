package dev.pacha.aws;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.AwsSettings;
import dev.pacha.store.HostNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * {@code pacha aws launch} and {@code find-image}: a replacement instance for a host from the
 * newest base image (or a given one) with the user-data {@code pacha cloud-init render} wrote. The
 * only EC2 user.
 */
public final class Ec2Service {
  /** EC2's limit for user-data, before the API's base64. */
  public static final int USER_DATA_LIMIT = 16_384;

  /** The tag the Packer template puts on the base image. */
  public static final String DEFAULT_IMAGE_TAG = "pacha:role=base";

  /** EC2's own waiter polls every 15 s; an instance takes tens of seconds to run. */
  static final Duration POLL = Duration.ofSeconds(15);

  /** A tag filter, KEY=VALUE. */
  public record ImageTag(String key, String value) {
    /** Parses KEY=VALUE, or a usage error saying how to write it. */
    public static ImageTag parse(String option, String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw PachaException.usage(
            option + " " + text + " is not KEY=VALUE, such as " + DEFAULT_IMAGE_TAG);
      }
      return new ImageTag(text.substring(0, eq), text.substring(eq + 1));
    }

    @Override
    public String toString() {
      return key + "=" + value;
    }
  }

  /**
   * What to launch.
   *
   * @param host the host the instance becomes (tags Name and pacha:host)
   * @param imageId the image; empty to take the newest with {@code imageTag}
   * @param imageTag the tag of the image to take when no id is given
   * @param userData the file {@code pacha cloud-init render} wrote (sent as it is, base64 once)
   * @param instanceType e.g. t3.micro
   * @param subnet the subnet id; empty for the default VPC's default subnet
   * @param securityGroups security group ids; empty for the VPC's default group
   * @param instanceProfile the instance profile's name or ARN (the role that reads the secrets)
   * @param waitRunning wait until the instance runs
   * @param waitTimeout how long to wait for that
   */
  public record LaunchRequest(
      String host,
      Optional<String> imageId,
      Optional<ImageTag> imageTag,
      Path userData,
      String instanceType,
      Optional<String> subnet,
      List<String> securityGroups,
      Optional<String> instanceProfile,
      boolean waitRunning,
      Duration waitTimeout) {}

  /** The launched instance. */
  public record Launched(
      String host,
      String instanceId,
      String imageId,
      String instanceType,
      String state,
      String privateIpAddress,
      String availabilityZone,
      String region,
      int userDataBytes) {}

  /** A base image. */
  public record ImageInfo(String imageId, String name, String creationDate, String region) {}

  private final AwsSettings settings;
  private final Duration poll;

  public Ec2Service(AwsSettings settings) {
    this(settings, POLL);
  }

  /** With another poll interval for --wait (tests). */
  Ec2Service(AwsSettings settings, Duration poll) {
    this.settings = settings;
    this.poll = poll;
  }

  /** The newest available image owned by this account with the tag, if any. */
  public Optional<ImageInfo> findImage(ImageTag tag) {
    try (Ec2Client ec2 = AwsClients.ec2(settings)) {
      return newest(ec2, tag).map(i -> info(i, region(ec2)));
    } catch (SdkException e) {
      throw AwsErrors.unreachable("look up images tagged " + tag, e);
    }
  }

  public Launched launch(LaunchRequest req, Reporter reporter) {
    HostNames.check(req.host());
    byte[] userData = readUserData(req.userData());
    if (holdsPrivateKey(userData)) {
      reporter.warn(
          "--user-data "
              + req.userData()
              + " holds a private key, which anyone allowed ec2:DescribeInstanceAttribute can"
              + " read; keep it in SSM instead (pacha aws put-secrets, render --secrets)");
    }
    try (Ec2Client ec2 = AwsClients.ec2(settings)) {
      String imageId = req.imageId().orElseGet(() -> image(ec2, req.imageTag().orElseThrow()));
      List<Tag> tags =
          List.of(
              Tag.builder().key("Name").value(req.host()).build(),
              Tag.builder().key(SecretsService.HOST_TAG).value(req.host()).build());
      RunInstancesRequest.Builder run =
          RunInstancesRequest.builder()
              .imageId(imageId)
              .instanceType(req.instanceType())
              .minCount(1)
              .maxCount(1)
              // The API wants base64; the SDK sends the string as it is. Encoded here, once.
              .userData(Base64.getEncoder().encodeToString(userData))
              // IMDSv2 only: a token is needed to read the role's credentials from the instance.
              .metadataOptions(
                  m ->
                      m.httpTokens(HttpTokensState.REQUIRED)
                          .httpEndpoint(InstanceMetadataEndpointState.ENABLED))
              .tagSpecifications(
                  TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags).build(),
                  TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags).build())
              // The SDK retries a call that timed out; the token keeps a retry from launching a
              // second instance.
              .clientToken(UUID.randomUUID().toString());
      req.subnet().ifPresent(run::subnetId);
      if (!req.securityGroups().isEmpty()) {
        run.securityGroupIds(req.securityGroups());
      }
      req.instanceProfile()
          .ifPresent(
              p ->
                  run.iamInstanceProfile(
                      b -> {
                        if (p.startsWith("arn:")) {
                          b.arn(p);
                        } else {
                          b.name(p);
                        }
                      }));
      Instance instance;
      try {
        instance = ec2.runInstances(run.build()).instances().get(0);
      } catch (SdkException e) {
        throw AwsErrors.unreachable("launch an instance for " + req.host(), e);
      }
      reporter.step(
          "Launched "
              + instance.instanceId()
              + " for "
              + req.host()
              + " from "
              + imageId
              + " ("
              + req.instanceType()
              + ", "
              + userData.length
              + " bytes of user-data)");
      if (req.waitRunning()) {
        instance = waitRunning(ec2, instance, req.waitTimeout(), reporter);
      }
      return new Launched(
          req.host(),
          instance.instanceId(),
          imageId,
          req.instanceType(),
          instance.state() == null ? "pending" : instance.state().nameAsString(),
          instance.privateIpAddress(),
          instance.placement() == null ? null : instance.placement().availabilityZone(),
          region(ec2),
          userData.length);
    } catch (SdkException e) {
      throw AwsErrors.unreachable("reach EC2", e);
    }
  }

  private String image(Ec2Client ec2, ImageTag tag) {
    Optional<Image> newest;
    try {
      newest = newest(ec2, tag);
    } catch (SdkException e) {
      throw AwsErrors.unreachable("look up images tagged " + tag, e);
    }
    return newest
        .orElseThrow(
            () ->
                PachaException.failed(
                    "no available image owned by this account is tagged "
                        + tag
                        + " in "
                        + region(ec2)
                        + "; bake one with `pacha image bake` or give --image-id",
                    null))
        .imageId();
  }

  private static Optional<Image> newest(Ec2Client ec2, ImageTag tag) {
    return ec2
        .describeImagesPaginator(
            r ->
                r.owners("self")
                    .filters(
                        Filter.builder().name("tag:" + tag.key()).values(tag.value()).build(),
                        Filter.builder().name("state").values("available").build()))
        .stream()
        .map(DescribeImagesResponse::images)
        .flatMap(List::stream)
        .max(Comparator.comparing(Ec2Service::created));
  }

  /** CreationDate is ISO-8601; an image without one sorts first. */
  private static Instant created(Image i) {
    try {
      return i.creationDate() == null ? Instant.MIN : Instant.parse(i.creationDate());
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  private Instance waitRunning(
      Ec2Client ec2, Instance instance, Duration timeout, Reporter reporter) {
    String id = instance.instanceId();
    reporter.step("Waiting for " + id + " to run (up to " + timeout.toSeconds() + " s)");
    try {
      return ec2.waiter()
          .waitUntilInstanceRunning(
              r -> r.instanceIds(id),
              o ->
                  o.waitTimeout(timeout)
                      .maxAttempts(Integer.MAX_VALUE)
                      .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(poll)))
          .matched()
          .response()
          .map(r -> r.reservations().get(0).instances().get(0))
          .orElse(instance);
    } catch (SdkException e) {
      String state = state(ec2, id);
      throw PachaException.failed(
          id
              + " was launched but "
              + (state == null
                  ? "did not reach running within " + timeout.toSeconds() + " s"
                  : "is " + state + ", not running")
              + " ("
              + AwsErrors.describe(e)
              + "); see it with `aws ec2 describe-instances --instance-ids "
              + id
              + "`",
          e);
    }
  }

  /** The instance's state and why, when it stopped on its way up; null when it is still coming. */
  private static String state(Ec2Client ec2, String id) {
    try {
      Instance i =
          ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
      String name = i.state().nameAsString();
      if (name.equals("pending")) {
        return null;
      }
      return name + (i.stateReason() == null ? "" : " (" + i.stateReason().message() + ")");
    } catch (SdkException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static String region(Ec2Client ec2) {
    return ec2.serviceClientConfiguration().region().id();
  }

  private static ImageInfo info(Image i, String region) {
    return new ImageInfo(i.imageId(), i.name(), i.creationDate(), region);
  }

  /** The user-data as it will reach the instance: checked, never encoded twice. */
  static byte[] readUserData(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw PachaException.usage("--user-data " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw PachaException.usage("--user-data " + file + " is not readable by this user");
    } catch (IOException e) {
      throw PachaException.usage("cannot read --user-data " + file + ": " + e.getMessage());
    }
    if (bytes.length == 0) {
      throw PachaException.usage("--user-data " + file + " is empty");
    }
    if (bytes.length > USER_DATA_LIMIT) {
      throw PachaException.usage(
          "--user-data "
              + file
              + " is "
              + bytes.length
              + " bytes, over EC2's limit of "
              + USER_DATA_LIMIT
              + "; render it with --gzip, or keep the key in SSM (--secrets)");
    }
    if (alreadyBase64(bytes)) {
      throw PachaException.usage(
          "--user-data "
              + file
              + " is already base64-encoded; EC2 would decode it only once. Give the file"
              + " `pacha cloud-init render` wrote");
    }
    return bytes;
  }

  /** Whether the user-data (gzipped or not) carries a private key. */
  static boolean holdsPrivateKey(byte[] bytes) {
    byte[] plain = bytes;
    if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        // EC2 takes 16 KiB; cloud-init would not unpack a bomb either.
        plain = in.readNBytes(1 << 20);
      } catch (IOException e) {
        return false;
      }
    }
    return new String(plain, StandardCharsets.ISO_8859_1).contains("PRIVATE KEY-----");
  }

  /** Whether the file is base64 of user-data (cloud-config, a script, MIME or gzip). */
  private static boolean alreadyBase64(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    if (!text.matches("[A-Za-z0-9+/=\\r\\n]+")) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getMimeDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String head = new String(decoded, 0, Math.min(decoded.length, 32), StandardCharsets.ISO_8859_1);
    return head.startsWith("#cloud-config")
        || head.startsWith("#!")
        || head.startsWith("Content-Type:")
        || head.startsWith("MIME-Version:")
        || (decoded.length > 2 && (decoded[0] & 0xff) == 0x1f && (decoded[1] & 0xff) == 0x8b);
  }
}
