package dev.pacha.config;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach the AWS APIs pacha calls besides S3: SSM Parameter Store and Secrets Manager (the
 * key at first boot, {@code pacha aws put-secrets}) and EC2 ({@code pacha aws launch}). Credentials
 * are never here: they come from the AWS SDK's default chain (environment, profile, instance role).
 *
 * @param endpoint pacha.aws.endpoint: one URL that serves all three (LocalStack, a test stub)
 * @param region pacha.aws.region; empty means the SDK's default region chain (on an instance: the
 *     instance's own region)
 */
public record AwsSettings(Optional<URI> endpoint, Optional<String> region) {

  /** AWS itself, in the SDK's default region. */
  public static AwsSettings defaults() {
    return new AwsSettings(Optional.empty(), Optional.empty());
  }
}
