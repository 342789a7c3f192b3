package dev.pacha.aws;

import dev.pacha.config.PachaConfig;
import dev.pacha.transport.SecretProvider;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * {@code pacha.boot.secrets = secretsmanager:NAME}: reads the current value of a Secrets Manager
 * secret (text or binary). Registered in META-INF/services.
 */
public final class SecretsManagerSecretProvider implements SecretProvider {
  @Override
  public String scheme() {
    return "secretsmanager";
  }

  @Override
  public byte[] fetch(String name, PachaConfig config) throws IOException {
    try (SecretsManagerClient sm = AwsClients.secretsManager(config.aws())) {
      GetSecretValueResponse r = sm.getSecretValue(b -> b.secretId(name));
      if (r.secretString() != null) {
        return r.secretString().getBytes(StandardCharsets.UTF_8);
      }
      if (r.secretBinary() != null) {
        return r.secretBinary().asByteArray();
      }
      throw new TransportException("the secret has no value");
    } catch (SdkException e) {
      throw new TransportException(AwsErrors.describe(e), e);
    }
  }
}
