package dev.pacha.config;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach an s3:// master store. Credentials are never here: they come from the AWS SDK's
 * default chain (environment, profile, instance role).
 *
 * @param endpoint pacha.s3.endpoint: an S3-compatible server or LocalStack instead of AWS
 * @param region pacha.s3.region; empty means the SDK's default region chain
 * @param pathStyle pacha.s3.path_style: address the bucket in the path, not the host name
 */
public record S3Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyle) {

  /** No endpoint override, the SDK's region, virtual-host addressing. */
  public static S3Settings defaults() {
    return new S3Settings(Optional.empty(), Optional.empty(), false);
  }
}
