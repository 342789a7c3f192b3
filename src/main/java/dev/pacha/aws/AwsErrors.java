package dev.pacha.aws;

import dev.pacha.PachaException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's exceptions from SSM, Secrets Manager and EC2 into one line that names the AWS
 * error code and what to do, at the edge of this package (S3 has its own: {@link S3Errors}).
 */
final class AwsErrors {
  private static final Set<String> DENIED =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "Unauthorized",
          "Forbidden",
          "UnauthorizedOperation",
          "AuthFailure",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "ExpiredTokenException",
          "KMSAccessDeniedException",
          "DecryptionFailure");
  private static final Set<String> NO_SECRET =
      Set.of("ParameterNotFound", "ResourceNotFoundException");
  private static final Set<String> EXISTS =
      Set.of("ParameterAlreadyExists", "ResourceExistsException");

  /** EC2 appends an opaque blob to UnauthorizedOperation; it would make the line unreadable. */
  private static final String ENCODED = "Encoded authorization failure message:";

  private AwsErrors() {}

  /** A failed AWS call as exit code 3: "cannot WHAT: CODE: message (hint)". */
  static PachaException unreachable(String what, SdkException e) {
    return PachaException.unreachable("cannot " + what + ": " + describe(e), e);
  }

  /** What went wrong, in one line: "ParameterNotFound: … (store it with …)". */
  static String describe(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code = S3Errors.code(service);
      String message = message(service);
      // The JDK's HTTP client drops the body of a 401 to a POST (EC2's AuthFailure), so the
      // status is all there is to go on then.
      return code
          + (message.isEmpty() ? " (HTTP " + service.statusCode() + ")" : ": " + message)
          + hint(code);
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (msg.startsWith("Unable to load credentials")) {
      return "no AWS credentials found; give the instance a role, or set AWS_PROFILE or"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    }
    if (msg.startsWith("Unable to load region")) {
      return "no AWS region found; set pacha.aws.region (or AWS_REGION)";
    }
    return firstLine(msg);
  }

  /** The AWS error code of a service error, or empty for a client-side failure. */
  static String code(SdkException e) {
    return e instanceof AwsServiceException service ? S3Errors.code(service) : "";
  }

  private static String message(AwsServiceException e) {
    AwsErrorDetails d = e.awsErrorDetails();
    if (d == null || d.errorMessage() == null || d.errorMessage().isBlank()) {
      return "";
    }
    String m = firstLine(d.errorMessage());
    int encoded = m.indexOf(ENCODED);
    if (encoded >= 0) {
      m = m.substring(0, encoded).trim() + " (aws sts decode-authorization-message tells more)";
    }
    return m;
  }

  private static String hint(String code) {
    if (NO_SECRET.contains(code)) {
      return " (store it with `pacha aws put-secrets`, in the instance's region)";
    }
    if (EXISTS.contains(code)) {
      return " (give --overwrite to replace it)";
    }
    if (DENIED.contains(code)) {
      return " (check the AWS credentials, the instance role, AWS_PROFILE or AWS_ACCESS_KEY_ID,"
          + " and that they have the permissions the README lists)";
    }
    if (code.startsWith("InvalidAMIID")) {
      return " (check the image id and that it is in this region)";
    }
    return "";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
