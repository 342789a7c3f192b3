package dev.pacha.aws;

import dev.pacha.config.PachaConfig;
import dev.pacha.transport.SecretProvider;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code pacha.boot.secrets = ssm:/pacha/bar}: reads a SecureString parameter, decrypted, with the
 * credentials of the SDK's default chain (at boot, the instance's role). Registered in
 * META-INF/services.
 */
public final class SsmSecretProvider implements SecretProvider {
  @Override
  public String scheme() {
    return "ssm";
  }

  @Override
  public byte[] fetch(String name, PachaConfig config) throws IOException {
    try (SsmClient ssm = AwsClients.ssm(config.aws())) {
      String value = ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
      return value.getBytes(StandardCharsets.UTF_8);
    } catch (SdkException e) {
      throw new TransportException(AwsErrors.describe(e), e);
    }
  }
}
