package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backends for schemes the store does not know itself come from BackendProviders. */
class StoresTest {
  @Test
  void provider_s3_foundThroughServiceLoader() {
    assertEquals(
        "dev.pacha.aws.S3BackendProvider",
        Stores.provider("s3").orElseThrow().getClass().getName());
  }

  @Test
  void provider_unknownScheme_none() {
    assertTrue(Stores.provider("gopher").isEmpty());
    assertEquals(Optional.empty(), Stores.provider("sftp"), "sftp is built in, not a provider");
  }
}
