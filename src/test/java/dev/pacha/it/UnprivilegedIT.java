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

  @Test
  void watch_unreadableDirectoryAndFile_skippedByNameAndTheRestPushed() throws Exception {
    Path shared =
        Files.createDirectories(Path.of("/tmp/pacha-scan-" + ProcessHandle.current().pid()));
    try {
      Path tree = Files.createDirectories(shared.resolve("tree"));
      Files.createDirectories(tree.resolve("sub"));
      Files.writeString(tree.resolve("ok.conf"), "ok\n");
      Files.writeString(tree.resolve("sub/c.conf"), "c\n");
      Files.writeString(tree.resolve("secret.conf"), "no\n");
      Path locked = Files.createDirectories(tree.resolve("locked"));
      Files.writeString(locked.resolve("b.conf"), "b\n");
      Path master = Files.createDirectories(shared.resolve("master"));
      Path conf =
          Files.writeString(
              shared.resolve("pacha.conf"),
              "[DEFAULT]\npacha.master.url = file://"
                  + master
                  + "\npacha.hostname = scanhost\npacha.state.dir = "
                  + shared.resolve("state")
                  + "\n");
      Tools.exec(shared, null, List.of("chown", "-R", "65534:65534", shared.toString()));
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
      Files.setPosixFilePermissions(
          tree.resolve("secret.conf"), PosixFilePermissions.fromString("---------"));

      Tools.Result r =
          asNobody(
              "--config",
              conf.toString(),
              "--watch",
              tree.toString(),
              "--target-root",
              shared.toString());
      assertEquals(0, r.code(), r.output());
      assertTrue(r.output().contains("/tree/locked: permission denied, skipped"), r.output());
      assertTrue(r.output().contains("/tree/secret.conf: permission denied, skipped"), r.output());
      String manifest;
      try (var s = Files.list(master.resolve("scanhost/snapshots"))) {
        manifest = Files.readString(s.findFirst().orElseThrow());
      }
      assertTrue(manifest.contains("\"/tree/sub/c.conf\""), manifest);
      assertTrue(manifest.contains("\"/tree/ok.conf\""), manifest);
      assertFalse(manifest.contains("/tree/locked"), manifest);
      assertFalse(manifest.contains("/tree/secret.conf"), manifest);
    } finally {
      Tools.exec(Path.of("/"), null, List.of("rm", "-rf", shared.toString()));
    }
  }
}
