package dev.pacha.aws;

import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's exceptions into ours, at the edge of this package: a missing key is a {@link
 * NoSuchFileException} (the store relies on it); anything else is a {@link TransportException}
 * (exit code 3) whose one line names the operation, the object, the AWS error code and what to do.
 */
final class S3Errors {
  private static final Set<String> DENIED =
      Set.of(
          "AccessDenied",
          "AllAccessDisabled",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired",
          "Forbidden");
  private static final Set<String> WRONG_REGION =
      Set.of("PermanentRedirect", "AuthorizationHeaderMalformed", "IncorrectEndpoint");

  private S3Errors() {}

  /**
   * @param op what was attempted, as a verb ("read", "list")
   * @param where the object or prefix, as an s3:// URL
   */
  static IOException wrap(String op, String where, SdkException e) {
    if (e instanceof AwsServiceException service && code(service).equals("NoSuchKey")) {
      return new NoSuchFileException(where);
    }
    return new TransportException("cannot " + op + " " + where + ": " + describe(e), e);
  }

  /** What went wrong, in one line: "NoSuchBucket: The specified bucket does not exist (…)". */
  static String describe(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code = code(service);
      return code + ": " + message(service) + hint(service, code);
    }
    return clientMessage(e);
  }

  /** The AWS error code; HEAD answers carry no body, so then one is made from the status. */
  static String code(AwsServiceException e) {
    AwsErrorDetails d = e.awsErrorDetails();
    if (d != null && d.errorCode() != null && !d.errorCode().isBlank()) {
      return d.errorCode();
    }
    return switch (e.statusCode()) {
      case 301 -> "PermanentRedirect";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      default -> "HTTP " + e.statusCode();
    };
  }

  private static String message(AwsServiceException e) {
    AwsErrorDetails d = e.awsErrorDetails();
    if (d != null && d.errorMessage() != null && !d.errorMessage().isBlank()) {
      return firstLine(d.errorMessage());
    }
    return "status " + e.statusCode();
  }

  private static String hint(AwsServiceException e, String code) {
    if (code.equals("NoSuchBucket")) {
      return " (check the bucket in pacha.master.url)";
    }
    if (DENIED.contains(code)) {
      return " (check the AWS credentials: the instance role, AWS_PROFILE or AWS_ACCESS_KEY_ID;"
          + " and that they may use the bucket)";
    }
    if (WRONG_REGION.contains(code)) {
      String region =
          e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
              ? null
              : e.awsErrorDetails()
                  .sdkHttpResponse()
                  .firstMatchingHeader("x-amz-bucket-region")
                  .orElse(null);
      return region == null
          ? " (set pacha.s3.region to the bucket's region)"
          : " (the bucket is in " + region + ": set pacha.s3.region = " + region + ")";
    }
    return "";
  }

  private static String clientMessage(SdkException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (msg.startsWith("Unable to load credentials")) {
      return "no AWS credentials found; give the instance a role, or set AWS_PROFILE or"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    }
    if (msg.startsWith("Unable to load region")) {
      return "no AWS region found; set pacha.s3.region (or AWS_REGION)";
    }
    return firstLine(msg);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
