package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job, `pacha demo`, through the real launcher: the seed's crash story end to end. */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void demo_asRoot_rebuildsBarWithOwnersAndCleansUp() throws Exception {
    Path work = tmp.resolve("demo");
    Tools.Result r =
        Tools.exec(
            tmp,
            null,
            List.of(PromptIT.LAUNCHER.toString(), "demo", "--work-dir", work.toString()));
    assertEquals(0, r.code(), r.output());
    String out = r.output();
    assertTrue(out.contains("$ pacha master serve --hosts-path"), out);
    assertTrue(out.contains("--watch "), out);
    assertTrue(out.contains("--rebuild bar --yes"), out);
    assertTrue(out.contains("[10-packages] pre-hook on bar"), out);
    assertTrue(out.contains("[90-notify] post-hook on bar"), out);
    assertTrue(out.matches("(?s).*-rwsr-xr-x daemon  adm .*/opt/foo/bin/helper.*"), out);
    assertTrue(out.contains("Bar is back: all 10 entries of /opt/foo match the original"), out);
    assertFalse(Files.exists(work), "the demo cleans up after itself");
  }

  @Test
  void demo_asUnprivilegedUser_stillRebuildsModesAndHooks() throws Exception {
    Tools.Result r =
        Tools.exec(
            tmp,
            null,
            List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "env",
                "HOME=/tmp",
                PromptIT.LAUNCHER.toAbsolutePath().toString(),
                "demo"));
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("run as root to see owners restored too"), r.output());
  }
}
