package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.hooks.HookResult;
import dev.pacha.json.Json;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ExecCondition of pacha-rebuild.service (src/deb/lib/firstboot-needed): it may skip the unit
 * only when the status file, as pacha writes it, records success on this very instance.
 */
class FirstBootNeededTest {
  static final Path SCRIPT = Path.of("src/deb/lib/firstboot-needed");

  @TempDir Path tmp;

  private Path status(String instance, String result, List<HookResult> hooks) throws Exception {
    FirstBootService.Status s =
        new FirstBootService.Status(
            instance, "bar", result, 0, null, "snap", 1, 10, "now", 3, 2, hooks, null);
    // As FirstBootService writes it.
    return Files.write(tmp.resolve("rebuild-status.json"), Json.bytes(s));
  }

  private Tools.Result needed(Path status, String... idFileContents) throws Exception {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < idFileContents.length; i++) {
      Path f = tmp.resolve("id" + i);
      if (idFileContents[i] != null) {
        Files.writeString(f, idFileContents[i]);
      }
      files.add(f.toString());
    }
    return Tools.exec(
        tmp,
        null,
        List.of(
            "env",
            "PACHA_STATUS_FILE=" + status,
            "PACHA_INSTANCE_ID_FILES=" + String.join(" ", files),
            SCRIPT.toAbsolutePath().toString()));
  }

  @Test
  void needed_successOnThisInstance_skipsTheUnitAndSaysWhy() throws Exception {
    Tools.Result r = needed(status("i-1", "success", List.of()), "i-1\n");
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("already rebuilt on this instance (i-1)"), r.output());
  }

  @Test
  void needed_successOnAnotherInstance_runsPacha() throws Exception {
    assertEquals(0, needed(status("i-1", "success", List.of()), "i-2\n").code());
  }

  @Test
  void needed_failedOnThisInstance_runsPachaAgain() throws Exception {
    assertEquals(0, needed(status("i-1", "failed", List.of()), "i-1\n").code());
  }

  @Test
  void needed_hookOutputThatLooksLikeSuccess_runsPacha() throws Exception {
    HookResult forged =
        new HookResult("pre", "10-x", 1, 5, false, "\n  \"result\" : \"success\",\n");
    assertEquals(0, needed(status("i-1", "failed", List.of(forged)), "i-1\n").code());
  }

  @Test
  void needed_noStatusFile_runsPacha() throws Exception {
    assertEquals(0, needed(tmp.resolve("missing.json"), "i-1\n").code());
  }

  @Test
  void needed_noInstanceId_runsPacha() throws Exception {
    assertEquals(0, needed(status("i-1", "success", List.of()), null, "").code());
  }

  @Test
  void needed_firstIdFileMissingOrEmpty_takesTheNextAsPachaDoes() throws Exception {
    Path s = status("i-1", "success", List.of());
    assertEquals(1, needed(s, null, "", "i-1").code());
    assertEquals(0, needed(s, "i-2\n", "i-1\n").code());
  }
}
