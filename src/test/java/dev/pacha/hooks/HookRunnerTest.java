package dev.pacha.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.Reporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
  @TempDir Path tmp;

  private HookRunner runner(Duration timeout) {
    return new HookRunner(timeout, Map.of("PACHA_HOST", "bar"), tmp, Reporter.silent());
  }

  @Test
  void ordered_mixedNames_byteOrderWithoutDotFilesOrDirectories() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("pre"));
    for (String n : List.of("b", "B", "a", "_x", "10", "9", ".hidden", "é")) {
      Files.writeString(dir.resolve(n), "#!/bin/sh\n");
    }
    Files.createDirectories(dir.resolve("subdir"));
    List<String> names =
        HookRunner.ordered(dir).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of("10", "9", "B", "_x", "a", "b", "é"), names);
  }

  @Test
  void run_notExecutableScript_isMadeExecutableAndGetsItsEnvironment() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("post"));
    Path hook =
        Files.writeString(dir.resolve("env"), "#!/bin/sh\necho \"$PACHA_PHASE/$PACHA_HOST\"\n");
    List<HookResult> r = runner(Duration.ofSeconds(10)).run("post", List.of(hook), false);
    assertEquals(1, r.size());
    assertTrue(r.get(0).ok(), r.toString());
    assertEquals("post/bar\n", r.get(0).output());
    assertTrue(Files.isExecutable(hook));
  }

  @Test
  void run_preHookFails_stopsAtIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("pre"));
    Path a = Files.writeString(dir.resolve("a"), "#!/bin/sh\nexit 7\n");
    Path b = Files.writeString(dir.resolve("b"), "#!/bin/sh\nexit 0\n");
    List<HookResult> r = runner(Duration.ofSeconds(10)).run("pre", List.of(a, b), true);
    assertEquals(1, r.size());
    assertEquals(7, r.get(0).exitCode());
  }

  @Test
  void run_hookPastTimeout_isStoppedWithItsChildren() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("pre"));
    Path marker = tmp.resolve("child-survived");
    Path slow =
        Files.writeString(
            dir.resolve("slow"), "#!/bin/sh\n(sleep 3; touch " + marker + ") &\nsleep 30\n");
    long start = System.nanoTime();
    List<HookResult> r = runner(Duration.ofSeconds(1)).run("pre", List.of(slow), true);
    assertTrue(r.get(0).timedOut());
    assertFalse(r.get(0).ok());
    assertTrue(System.nanoTime() - start < 15_000_000_000L, "stopped, not waited out");
    Thread.sleep(3500);
    assertFalse(Files.exists(marker), "the hook's child was stopped too");
  }

  @Test
  void run_missingInterpreter_reportedNotThrown() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("pre"));
    Path ruby = Files.writeString(dir.resolve("ruby"), "#!/nonexistent/ruby\nputs 1\n");
    List<HookResult> r = runner(Duration.ofSeconds(5)).run("pre", List.of(ruby), true);
    assertEquals(-1, r.get(0).exitCode());
    assertTrue(r.get(0).output().contains("interpreter"), r.get(0).output());
  }
}
