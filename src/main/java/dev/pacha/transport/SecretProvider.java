package dev.pacha.transport;

import java.io.IOException;

/**
 * Fetches a secret (the key for the master) at first boot, e.g. from SSM Parameter Store with the
 * instance's role. Found with {@link java.util.ServiceLoader}, so the store and the runner do not
 * depend on a cloud SDK.
 */
public interface SecretProvider {
  /** The scheme this provider serves ("ssm", "secretsmanager"). */
  String scheme();

  /**
   * Fetches one secret.
   *
   * @param name the name after the scheme ("/pacha/bar/identity")
   * @throws IOException with a message naming the secret and the reason (never its value)
   */
  byte[] fetch(String name) throws IOException;
}
