package dev.pacha.aws;

import dev.pacha.config.AwsSettings;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the SSM, Secrets Manager and EC2 clients the same way: the JDK's HTTP client (as for S3),
 * the SDK's default credentials chain (which the client owns and closes), the region from
 * pacha.aws.region or the SDK's default chain, and pacha.aws.endpoint when set.
 */
final class AwsClients {
  private AwsClients() {}

  /**
   * @throws SdkException when no region can be found (nothing is sent before the first call)
   */
  static SsmClient ssm(AwsSettings settings) {
    return build(SsmClient.builder(), settings);
  }

  static SecretsManagerClient secretsManager(AwsSettings settings) {
    return build(SecretsManagerClient.builder(), settings);
  }

  static Ec2Client ec2(AwsSettings settings) {
    return build(Ec2Client.builder(), settings);
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder, AwsSettings settings) {
    builder.httpClientBuilder(
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(15))
            .socketTimeout(Duration.ofSeconds(60)));
    settings.region().map(Region::of).ifPresent(builder::region);
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
