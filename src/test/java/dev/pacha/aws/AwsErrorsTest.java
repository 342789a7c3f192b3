package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pacha.PachaException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** SSM, Secrets Manager and EC2 errors as one line: the AWS error code, the message, a hint. */
class AwsErrorsTest {
  private static AwsServiceException error(int status, String code, String message) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void describe_parameterNotFoundWithoutMessage_codeStatusAndWhereToStoreIt() {
    assertEquals(
        "ParameterNotFound (HTTP 400) (store it with `pacha aws put-secrets`, in the instance's"
            + " region)",
        AwsErrors.describe(error(400, "ParameterNotFound", null)));
  }

  @Test
  void describe_unauthorizedOperation_dropsTheEncodedBlob() {
    String blob = "x".repeat(500);
    assertEquals(
        "UnauthorizedOperation: You are not authorized to perform this operation. (aws sts"
            + " decode-authorization-message tells more) (check the AWS credentials, the instance"
            + " role, AWS_PROFILE or AWS_ACCESS_KEY_ID, and that they have the permissions the"
            + " README lists)",
        AwsErrors.describe(
            error(
                403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. Encoded authorization failure"
                    + " message: "
                    + blob)));
  }

  @Test
  void describe_multiLineMessage_keepsTheFirstLine() {
    assertEquals(
        "InvalidParameterValue: Value (t3.tiny) for parameter instanceType is invalid.",
        AwsErrors.describe(
            error(
                400,
                "InvalidParameterValue",
                "Value (t3.tiny) for parameter instanceType is invalid.\nmore")));
  }

  @Test
  void describe_noCredentials_saysWhereTheyComeFrom() {
    assertEquals(
        "no AWS credentials found; give the instance a role, or set AWS_PROFILE or"
            + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        AwsErrors.describe(
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain"
                    + " AwsCredentialsProviderChain(...)")));
  }

  @Test
  void describe_noRegion_namesTheKey() {
    assertEquals(
        "no AWS region found; set pacha.aws.region (or AWS_REGION)",
        AwsErrors.describe(
            SdkClientException.create("Unable to load region from any of the providers")));
  }

  @Test
  void unreachable_isExitCode3Kind() {
    PachaException e =
        AwsErrors.unreachable(
            "store ssm:/p/identity", error(400, "ThrottlingException", "Rate exceeded"));
    assertEquals(PachaException.Kind.UNREACHABLE, e.kind());
    assertEquals(
        "cannot store ssm:/p/identity: ThrottlingException: Rate exceeded", e.getMessage());
  }
}
