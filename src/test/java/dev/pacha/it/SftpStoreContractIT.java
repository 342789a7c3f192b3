package dev.pacha.it;

import dev.pacha.config.HostKeyChecking;
import dev.pacha.store.StoreContract;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.transport.Backend;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.SshSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract over SFTP to a real OpenSSH sshd on loopback. */
class SftpStoreContractIT extends StoreContract {
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
    SshSettings ssh =
        new SshSettings(
            List.of(sshd.clientKey()),
            sshd.knownHosts(),
            HostKeyChecking.YES,
            Duration.ofSeconds(15),
            Duration.ofSeconds(60));
    return SftpBackend.connect("root", "127.0.0.1", sshd.port(), root.toString(), ssh);
  }
}
