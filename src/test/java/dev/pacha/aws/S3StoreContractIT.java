package dev.pacha.aws;

import dev.pacha.config.S3Settings;
import dev.pacha.store.StoreContract;
import dev.pacha.testing.S3Server;
import dev.pacha.transport.Backend;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on S3: s3proxy in this JVM, each test under a fresh prefix. */
class S3StoreContractIT extends StoreContract {
  static S3Server server;
  static int stores;

  @BeforeAll
  static void start() throws Exception {
    S3Server.useTestCredentials();
    server = S3Server.start();
    server.createBucket("contract");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  protected Backend openEmptyStore(Path tmp) throws Exception {
    return S3Backend.open(
        "contract",
        "/store-" + ++stores + "/hosts",
        new S3Settings(Optional.of(server.endpoint()), Optional.of(S3Server.REGION), true));
  }
}
