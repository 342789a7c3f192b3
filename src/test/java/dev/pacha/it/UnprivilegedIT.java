package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases that need a user who is not root (root reads any file): pacha is run through the real
 * launcher as nobody with util-linux setpriv.
 */
class UnprivilegedIT {
  @TempDir Path tmp;

  private Tools.Result asNobody(String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "env",
                "HOME=/tmp",
                "PACHA_STATE_DIR=/tmp/pacha-nobody-state",
                PromptIT.LAUNCHER.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    return Tools.exec(tmp, null, cmd);
  }

  @Test
  void config_unreadableByThisUser_exitsTwoSayingSo() throws Exception {
    Path shared =
        Files.createDirectories(Path.of("/tmp/pacha-unreadable-" + ProcessHandle.current().pid()));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = Files.writeString(shared.resolve("pacha.conf"), "[DEFAULT]\npacha.host = m\n");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
    try {
      Tools.Result r = asNobody("--config", conf.toString(), "status");
      assertEquals(2, r.code(), r.output());
      assertTrue(r.output().contains("is not readable by this user"), r.output());
      assertEquals(1, r.output().strip().lines().count(), r.output());
      assertFalse(r.output().contains("Exception"), r.output());
    } finally {
      Files.delete(conf);
      Files.delete(shared);
    }
  }
}
