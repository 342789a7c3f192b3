package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's confirmation prompt, through the real `pacha` launcher: on a pseudo-terminal (made by
 * util-linux `script`) and without one.
 */
class PromptIT {
  static final Path LAUNCHER = Path.of(System.getProperty("pacha.launcher", "target/pacha"));
  static final Path SCRIPT = Path.of("/usr/bin/script");

  @TempDir Path tmp;
  OpenSshServer sshd;
  Path sandbox;
  Path config;

  @BeforeEach
  void pushBar() throws Exception {
    assertTrue(Files.isExecutable(LAUNCHER), "build the launcher first: mvn package");
    if (!Files.isExecutable(SCRIPT)) {
      fail(SCRIPT + " is missing: install bsdutils (the README's test command does)");
    }
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    sandbox = tmp.resolve("sandbox");
    Path master = Files.createDirectories(tmp.resolve("master"));
    config = sshd.config(tmp.resolve("pacha.conf"), "bar", master, tmp.resolve("state"));
    Path foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("blah"), "x".repeat(3000));
    Files.writeString(foo.resolve("pacha.db"), "y".repeat(18000));
    Tools.Result r =
        Tools.exec(
            tmp,
            null,
            List.of(
                LAUNCHER.toString(),
                "--config",
                config.toString(),
                "--watch",
                foo.toString(),
                "--target-root",
                sandbox.toString()));
    assertEquals(0, r.code(), r.output());
    RebuildIT.deleteTree(sandbox);
  }

  @AfterEach
  void stop() throws Exception {
    sshd.close();
  }

  private String rebuildCommand() {
    return LAUNCHER + " --config " + config + " --rebuild bar --target-root " + sandbox;
  }

  @Test
  void rebuild_onTerminal_showsSeedPromptWaitsForEnterAndPrintsProgress() throws Exception {
    Tools.Result r =
        Tools.exec(tmp, "\n", List.of(SCRIPT.toString(), "-qec", rebuildCommand(), "/dev/null"));
    String out = r.output();
    assertEquals(0, r.code(), out);
    assertTrue(out.contains("SSH Connection: root@127.0.0.1"), out);
    assertTrue(out.contains("SSH Port:       " + sshd.port()), out);
    assertTrue(out.contains("Host to rebuild: bar"), out);
    assertTrue(out.contains("Hit Enter to confirm or Ctrl-C to cancel"), out);
    // scp-like progress lines: name, percent, size, rate, time.
    assertTrue(out.matches("(?s).*pacha\\.db\\s+100%\\s+18KB\\s+\\S+/s\\s+00:00.*"), out);
    assertTrue(Files.isRegularFile(sandbox.resolve("opt/foo/pacha.db")));
  }

  @Test
  void rebuild_ctrlCAtPrompt_exitsAndChangesNothing() throws Exception {
    Process p =
        new ProcessBuilder(SCRIPT.toString(), "-qec", rebuildCommand(), "/dev/null")
            .redirectErrorStream(true)
            .start();
    InputStream in = p.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!seen.toString(StandardCharsets.UTF_8).contains("Ctrl-C to cancel")) {
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        fail("no prompt: " + seen);
      }
      int b = in.read();
      if (b < 0) {
        fail("ended before the prompt: " + seen);
      }
      seen.write(b);
    }
    Optional<ProcessHandle> java =
        p.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst();
    assertTrue(java.isPresent(), "the pacha JVM runs under script");
    Tools.run(tmp, "kill", "-INT", Long.toString(java.get().pid()));
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "pacha stopped on Ctrl-C");
    assertFalse(Files.exists(sandbox), "nothing was changed");
  }

  @Test
  void rebuild_noTerminalNoYes_exitsTwoNamingTheFlag() throws Exception {
    Tools.Result r = Tools.exec(tmp, "\n", List.of("sh", "-c", rebuildCommand()));
    assertEquals(2, r.code(), r.output());
    assertTrue(r.output().contains("--yes"), r.output());
    assertTrue(r.output().contains("--unattended"), r.output());
    assertFalse(Files.exists(sandbox), "nothing was changed");
  }

  @Test
  void rebuild_unattended_needsNoTerminalAndPrintsNoProgress() throws Exception {
    Tools.Result r = Tools.exec(tmp, null, List.of("sh", "-c", rebuildCommand() + " --unattended"));
    assertEquals(0, r.code(), r.output());
    assertFalse(r.output().contains("100%"), r.output());
    assertTrue(Files.isRegularFile(sandbox.resolve("opt/foo/blah")));
  }
}
