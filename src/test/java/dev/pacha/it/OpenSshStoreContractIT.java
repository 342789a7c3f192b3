package dev.pacha.it;

import dev.pacha.store.StoreContract;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.transport.Backend;
import dev.pacha.transport.OpenSshBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract through the system's ssh (SFTP over its pipes) to a real OpenSSH sshd. */
class OpenSshStoreContractIT extends StoreContract {
  @TempDir static Path serverDir;
  static OpenSshServer sshd;

  @BeforeAll
  static void start() throws Exception {
    sshd = OpenSshServer.start(serverDir.resolve("sshd"));
  }

  @AfterAll
  static void stop() throws Exception {
    sshd.close();
  }

  @Override
  protected Backend openEmptyStore(Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("master"));
    return OpenSshBackend.connect(
        sshd.sshCommand(tmp.resolve("ssh_config")),
        Map.of("PATH", "/usr/bin:/bin"),
        root.toString());
  }
}
