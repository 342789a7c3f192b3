package dev.pacha.cloudinit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What user-data to render.
 *
 * @param host the host the new instance becomes (its name on the master)
 * @param config the pacha config to carry
 * @param identity the private key for the master (absent in secrets mode)
 * @param knownHosts the master's pinned host key(s)
 * @param secrets where the runner fetches the key at boot ("ssm:/pacha/bar"), in secrets mode
 * @param installUrl where to download the pacha .deb from; empty when the image has pacha baked in
 * @param format plain #cloud-config, or MIME multipart
 * @param gzip when to gzip
 * @param root prefix for every path written (tests apply user-data into a scratch root); "" for /
 */
public record UserDataRequest(
    String host,
    Path config,
    Optional<Path> identity,
    Path knownHosts,
    Optional<String> secrets,
    Optional<String> installUrl,
    Format format,
    Gzip gzip,
    String root) {

  /** The user-data format. */
  public enum Format {
    CLOUD_CONFIG,
    MIME
  }

  /** When to gzip: always, never, or only when the plain text is over EC2's limit. */
  public enum Gzip {
    ALWAYS,
    NEVER,
    AUTO
  }
}
