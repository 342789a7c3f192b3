package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.transport.Backend;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the master lets a push that is under way finish, and takes no new ones. */
class MasterStopIT {
  @TempDir Path tmp;

  @Test
  void close_duringAnUpload_letsItFinishAndRefusesNewConnections() throws Exception {
    try (MasterFixture m = new MasterFixture(tmp)) {
      Path barKey = m.addHost("bar");
      m.start(MasterSettings.of(m.hosts, "127.0.0.1", 0).withStopGrace(Duration.ofSeconds(60)));
      SftpBackend bar = m.connect("bar", barKey);
      Backend.Upload up = bar.upload("bar/latest");
      up.stream().write("first half, ".getBytes(StandardCharsets.UTF_8));

      Thread stopper = new Thread(m.server::close);
      stopper.start();
      // The listener goes first: new hosts are turned away while bar carries on.
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean refused = false;
      while (!refused && System.nanoTime() < until) {
        try {
          m.connect("bar", barKey).close();
          Thread.sleep(20);
        } catch (TransportException e) {
          refused = true;
        }
      }
      assertTrue(refused, "the master still takes new connections while stopping");
      assertTrue(stopper.isAlive(), "the master stopped without waiting for bar");

      up.stream().write("second half".getBytes(StandardCharsets.UTF_8));
      up.commit();
      bar.close();

      stopper.join(Duration.ofSeconds(20).toMillis());
      assertFalse(stopper.isAlive(), "the master kept waiting after bar left");
      assertEquals("first half, second half", Files.readString(m.hosts.resolve("bar/latest")));
      assertThrows(TransportException.class, () -> m.connect("bar", barKey));
    }
  }
}
