package dev.pacha.transport;

import dev.pacha.config.PachaConfig;
import java.io.IOException;

/**
 * Fetches a secret (the key for the master) at first boot, e.g. from SSM Parameter Store with the
 * instance's role. Found with {@link java.util.ServiceLoader} (an implementation is listed in
 * {@code META-INF/services/dev.pacha.transport.SecretProvider}), so the store and the runner do not
 * depend on a cloud SDK.
 */
public interface SecretProvider {
  /** The scheme this provider serves ("ssm", "secretsmanager"). */
  String scheme();

  /**
   * Fetches one secret.
   *
   * @param name the name after the scheme ("/pacha/bar/identity")
   * @param config the config in effect (where the provider's endpoint and region are set)
   * @throws TransportException when the store cannot be reached or refuses, with a one-line message
   *     naming the secret and the reason (never its value)
   */
  byte[] fetch(String name, PachaConfig config) throws IOException;
}
