package dev.pacha.store;

import dev.pacha.transport.Backend;
import dev.pacha.transport.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/** The store contract on a local directory (file://). */
class LocalStoreContractTest extends StoreContract {
  @Override
  protected Backend openEmptyStore(Path tmp) throws Exception {
    return new LocalBackend(Files.createDirectories(tmp.resolve("master")));
  }
}
