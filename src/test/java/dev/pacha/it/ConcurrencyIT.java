package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import dev.pacha.track.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that overlap, as separate processes through the real launcher: the lock and exit 6. */
class ConcurrencyIT {
  @TempDir Path tmp;
  Path master;
  Path sandbox;
  Path foo;
  Path config;

  @BeforeEach
  void push() throws Exception {
    master = Files.createDirectories(tmp.resolve("master"));
    sandbox = tmp.resolve("sandbox");
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("a.conf"), "alpha\n");
    config =
        Files.writeString(
            tmp.resolve("pacha.conf"),
            "[DEFAULT]\npacha.master.url = file://"
                + master
                + "\npacha.hostname = bar\npacha.state.dir = "
                + tmp.resolve("state")
                + "\n");
    assertEquals(0, pacha("--watch", foo.toString(), "--target-root", sandbox.toString()).code());
  }

  private List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(PromptIT.LAUNCHER.toString(), "--config", config.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Tools.Result pacha(String... args) throws Exception {
    return Tools.exec(tmp, null, command(args));
  }

  @Test
  void pushAndRebuild_duringARebuild_exitSixAtOnceAndTheStoreStaysVerifiable() throws Exception {
    Path started = tmp.resolve("hook-started");
    Path pre = Files.createDirectories(master.resolve("bar/pacha_pre"));
    Path release = tmp.resolve("release");
    // The hook holds the rebuild (and its lock) until the test has tried the other commands.
    Files.writeString(
        pre.resolve("10-slow"),
        "#!/bin/sh\ntouch "
            + started
            + "\ni=0\nwhile [ ! -e "
            + release
            + " ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done\n");
    Process rebuild =
        new ProcessBuilder(
                command("rebuild", "bar", "--yes", "--target-root", tmp.resolve("new").toString()))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("rebuild.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(started)) {
      assertTrue(
          System.nanoTime() < deadline && rebuild.isAlive(), "the rebuild reached its pre-hook");
      Thread.sleep(50);
    }
    Files.writeString(foo.resolve("a.conf"), "changed during the rebuild\n");

    long t0 = System.nanoTime();
    Tools.Result push = pacha("push");
    Tools.Result second =
        pacha("rebuild", "bar", "--yes", "--target-root", tmp.resolve("other").toString());
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(6, push.code(), push.output());
    assertTrue(
        push.output().contains("another pacha run holds the lock")
            && push.output().contains("rebuild bar"),
        push.output());
    assertEquals(6, second.code(), second.output());
    assertTrue(rebuild.isAlive(), "both were refused while the rebuild held the lock");
    assertTrue(waited < 60_000, "refused at once, not after waiting: " + waited + " ms");
    Files.writeString(release, "");

    assertTrue(rebuild.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, rebuild.exitValue(), Files.readString(tmp.resolve("rebuild.out")));
    assertEquals(0, pacha("push").code(), "after the rebuild, the push goes through");
    assertEquals(0, pacha("verify", "bar", "--all").code());
  }

  @Test
  void push_whileAnotherPushHoldsTheLock_exitsSixNamingIt() throws Exception {
    try (StateDir.Lock held = new StateDir(tmp.resolve("state")).lock("push")) {
      assertTrue(held != null);
      Tools.Result r = pacha("push");
      assertEquals(6, r.code(), r.output());
      assertTrue(
          r.output().contains("(push, pid " + ProcessHandle.current().pid() + ")"), r.output());
    }
    assertEquals(0, pacha("push").code(), "free again once released");
  }
}
