package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pacha.config.S3Settings;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How SDK exceptions become ours: one line, the AWS error code, a hint. */
class S3ErrorsTest {
  private static S3Exception error(int status, String code, String message, String region) {
    SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
    if (region != null) {
      http.putHeader("x-amz-bucket-region", region);
    }
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .sdkHttpResponse(http.build())
                    .build())
            .build();
  }

  @Test
  void wrap_noSuchKey_isNoSuchFile() {
    IOException e =
        S3Errors.wrap("read", "s3://b/p/bar/latest", error(404, "NoSuchKey", "gone", null));
    assertInstanceOf(NoSuchFileException.class, e);
    assertEquals("s3://b/p/bar/latest", e.getMessage());
  }

  @Test
  void wrap_wrongRegion_namesTheBucketsRegion() {
    IOException e =
        S3Errors.wrap(
            "list",
            "s3://b/p/bar/packs",
            error(
                301,
                "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified"
                    + " endpoint.",
                "eu-west-1"));
    assertInstanceOf(TransportException.class, e);
    assertEquals(
        "cannot list s3://b/p/bar/packs: PermanentRedirect: The bucket you are attempting to access"
            + " must be addressed using the specified endpoint. (the bucket is in eu-west-1: set"
            + " pacha.s3.region = eu-west-1)",
        e.getMessage());
  }

  @Test
  void wrap_bareForbiddenHead_codeFromTheStatus() {
    IOException e = S3Errors.wrap("look up", "s3://b/bar", error(403, null, null, null));
    assertEquals(
        "cannot look up s3://b/bar: Forbidden: status 403 (check the AWS credentials: the instance"
            + " role, AWS_PROFILE or AWS_ACCESS_KEY_ID; and that they may use the bucket)",
        e.getMessage());
  }

  @Test
  void wrap_noCredentials_saysWhereTheyComeFrom() {
    IOException e =
        S3Errors.wrap(
            "read",
            "s3://b/bar/latest",
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain"
                    + " AwsCredentialsProviderChain(...)\nmore"));
    assertInstanceOf(TransportException.class, e);
    assertEquals(
        "cannot read s3://b/bar/latest: no AWS credentials found; give the instance a role, or set"
            + " AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        e.getMessage());
  }

  @Test
  void open_noRegionAnywhere_unreachableSayingWhichKey() {
    assumeTrue(
        System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
        "the environment names a region");
    String saved = System.getProperty("aws.region");
    System.clearProperty("aws.region");
    String profile = System.getProperty("aws.configFile");
    // An empty AWS config file: no region from a profile either.
    System.setProperty("aws.configFile", "/dev/null");
    try {
      TransportException e =
          assertThrows(
              TransportException.class,
              () ->
                  S3Backend.open(
                      "b", "/p", new S3Settings(Optional.empty(), Optional.empty(), false)));
      assertEquals(
          "cannot open s3://b/p: no AWS region found; set pacha.s3.region (or AWS_REGION)",
          e.getMessage());
    } finally {
      if (saved != null) {
        System.setProperty("aws.region", saved);
      }
      if (profile == null) {
        System.clearProperty("aws.configFile");
      } else {
        System.setProperty("aws.configFile", profile);
      }
    }
  }
}
