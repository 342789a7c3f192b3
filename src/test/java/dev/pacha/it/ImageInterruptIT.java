package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.Reporter;
import dev.pacha.json.Json;
import dev.pacha.packer.Cancellation;
import dev.pacha.packer.ImageRequest;
import dev.pacha.packer.ImageResult;
import dev.pacha.packer.ImageService;
import dev.pacha.packer.Installation;
import dev.pacha.testing.PackerTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a bake while a provisioner runs: packer is asked to stop, cleans up, and nothing it
 * started is left running. Through the service (a cancellation) and through the real launcher
 * (SIGINT, as Ctrl-C sends it).
 */
class ImageInterruptIT {
  @TempDir Path tmp;
  Path work;

  @BeforeEach
  void setUp() throws Exception {
    PackerTool.require();
    work = Files.createDirectories(tmp.resolve("work"));
  }

  private ImageRequest longBake(Duration grace) {
    return new ImageRequest(
        PackerTool.TEST_TEMPLATE,
        Map.of("work_dir", work.toString(), "sleep_seconds", "300"),
        List.of(),
        List.of("driver.null.test"),
        Optional.empty(),
        Optional.empty(),
        grace);
  }

  @Test
  void bake_cancelledWhileAProvisionerSleeps_packerCleansUpAndItsTreeIsGone() throws Exception {
    Cancellation cancel = new Cancellation();
    ImageService service =
        new ImageService(
            PackerTool.require(), System.getenv(), Installation.home(), Reporter.silent());
    CompletableFuture<ImageResult> bake =
        CompletableFuture.supplyAsync(() -> service.bake(longBake(Duration.ofMinutes(2)), cancel));
    assertTrue(PackerTool.await(work.resolve("sleep.pid"), 60_000), "the provisioner never ran");
    long cancelled = System.nanoTime();
    cancel.cancel();
    ImageResult result = bake.get(150, TimeUnit.SECONDS);
    long seconds = (System.nanoTime() - cancelled) / 1_000_000_000L;
    assertEquals(ImageResult.CANCELLED, result.outcome(), result.toString());
    assertFalse(PackerTool.alive(work.resolve("shell.pid")), "the provisioner's shell runs on");
    assertFalse(PackerTool.alive(work.resolve("sleep.pid")), "the provisioner's sleep runs on");
    assertEquals(List.of(), ImageIT.liveDescendants(), "packer left processes behind");
    // Done when packer was done, not when the 2-minute grace period ran out.
    assertTrue(seconds < 30, "took " + seconds + " s after the cancel");
  }

  @Test
  void bake_sigintToPacha_stopsPackerPrintsCancelledAndExits130() throws Exception {
    Path launcher = PromptIT.LAUNCHER;
    assertTrue(Files.isExecutable(launcher), "build the launcher first: mvn package");
    // env --default-signal: a JVM started with SIGINT ignored (a background job) would not react.
    Process pacha =
        new ProcessBuilder(
                "env",
                "--default-signal=INT",
                launcher.toString(),
                "image",
                "bake",
                PackerTool.TEST_TEMPLATE.toString(),
                "--var",
                "work_dir=" + work,
                "--var",
                "sleep_seconds=300",
                "--only",
                "driver.null.test",
                "--grace",
                "2m",
                "--json")
            .redirectOutput(tmp.resolve("out.json").toFile())
            .redirectError(tmp.resolve("err.txt").toFile())
            .start();
    try {
      assertTrue(
          PackerTool.await(work.resolve("sleep.pid"), 60_000),
          () -> "the provisioner never ran: " + read(tmp.resolve("err.txt")));
      List<ProcessHandle> tree = pacha.descendants().toList();
      assertTrue(
          tree.stream().anyMatch(h -> h.info().command().orElse("").endsWith("packer")),
          "no packer under pacha: " + tree);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pacha.pid())).start();
      assertEquals(0, kill.waitFor());
      assertTrue(pacha.waitFor(150, TimeUnit.SECONDS), "pacha did not stop");
      String err = read(tmp.resolve("err.txt"));
      assertEquals(130, pacha.exitValue(), err);
      Map<?, ?> result = Json.read(Files.readAllBytes(tmp.resolve("out.json")), Map.class);
      assertEquals("cancelled", result.get("outcome"), err);
      assertTrue(
          err.contains("pacha: cancelled: packer was stopped and cleaned up what it had started"),
          err);
      for (ProcessHandle h : tree) {
        assertFalse(h.isAlive(), "left running: " + h.pid() + " " + h.info().commandLine());
      }
      assertFalse(PackerTool.alive(work.resolve("sleep.pid")), "the provisioner's sleep runs on");
    } finally {
      pacha.destroyForcibly();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
