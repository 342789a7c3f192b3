package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import dev.pacha.testing.TreeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User-data checked by the real cloud-init, applied by the real cloud-init into a scratch root (its
 * write_files module, with every path under the root), then the first-boot runner started from the
 * files cloud-init wrote rebuilds bar from a real sshd. A full chroot boot is the VM test's job.
 */
class CloudInitIT {
  static final Path CLOUD_INIT = Path.of("/usr/bin/cloud-init");
  static final Path EXAMPLES = Path.of("cloud-init");

  @TempDir Path tmp;
  OpenSshServer sshd;
  Path master;
  Path sandbox;
  Path foo;
  Map<String, String> original;

  @BeforeEach
  void pushBar() throws Exception {
    if (!Files.isExecutable(CLOUD_INIT)) {
      fail(CLOUD_INIT + " is missing: install cloud-init (the README's test command does)");
    }
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    master = Files.createDirectories(tmp.resolve("master"));
    sandbox = tmp.resolve("sandbox");
    foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "listen 8080\n");
    Files.createDirectories(foo.resolve("private"));
    Files.setPosixFilePermissions(
        foo.resolve("private"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(foo.resolve("private/token"), "t0k3n\n");
    Files.setAttribute(foo.resolve("app.conf"), "unix:gid", 4);
    original = TreeState.of(foo);
    Path deadBar = sshd.config(tmp.resolve("bar.conf"), "bar", master, tmp.resolve("bar-state"));
    PachaCli.Run r =
        new PachaCli(tmp)
            .run(
                "--config",
                deadBar.toString(),
                "--watch",
                foo.toString(),
                "--target-root",
                sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    Path pre = Files.createDirectories(master.resolve("bar/pacha_pre"));
    Path post = Files.createDirectories(master.resolve("bar/pacha_post"));
    Files.writeString(
        pre.resolve("10-pre"), "#!/bin/sh\necho pre >> " + tmp.resolve("hooks.log") + "\n");
    Files.writeString(
        post.resolve("10-post"), "#!/bin/sh\necho post >> " + tmp.resolve("hooks.log") + "\n");
    RebuildIT.deleteTree(sandbox); // bar is dead
  }

  @AfterEach
  void stop() throws Exception {
    sshd.close();
  }

  @Test
  void schema_everyCheckedInExample_isValidCloudConfigUsingOnlyWriteFiles() throws Exception {
    for (String name : List.of("baked.yaml", "package-install.yaml", "secrets.yaml", "mime.txt")) {
      String text = Files.readString(EXAMPLES.resolve(name));
      if (name.endsWith(".txt")) {
        // The MIME example's cloud-config part, as cloud-init would split it out.
        int start = text.indexOf("#cloud-config");
        text = text.substring(start, text.indexOf("\n--===", start) + 1);
      }
      Path file = Files.writeString(tmp.resolve(name + ".part"), text);
      Tools.Result r =
          Tools.exec(
              tmp,
              null,
              List.of(CLOUD_INIT.toString(), "schema", "--config-file", file.toString()));
      assertEquals(0, r.code(), name + ": " + r.output());
      assertTrue(r.output().contains("Valid cloud-config"), r.output());
      Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(text);
      assertEquals(List.of("write_files"), new ArrayList<>(doc.keySet()), name);
    }
  }

  @Test
  void schema_brokenUserData_isRejectedByCloudInit() throws Exception {
    // The check above can fail: a write_files entry of the wrong type does not pass.
    Path bad =
        Files.writeString(
            tmp.resolve("bad.yaml"),
            "#cloud-config\nwrite_files:\n  - path: 5\n    permissions: [1]\n");
    Tools.Result r =
        Tools.exec(
            tmp, null, List.of(CLOUD_INIT.toString(), "schema", "--config-file", bad.toString()));
    assertEquals(1, r.code(), r.output());
  }

  /** Renders user-data for bar into a scratch root and lets the real cloud-init write it there. */
  private Path applyUserData(String... extraConfig) throws Exception {
    Path config =
        sshd.config(
            tmp.resolve("instance.conf"),
            "i-0123",
            master,
            tmp.resolve("instance-state"),
            extraConfig);
    Path root = tmp.resolve("root");
    Path ud = tmp.resolve("user-data");
    PachaCli.Run r =
        new PachaCli(tmp)
            .run(
                "cloud-init",
                "render",
                "--host",
                "bar",
                "--config",
                config.toString(),
                "--identity",
                sshd.clientKey().toString(),
                "--known-hosts",
                sshd.knownHosts().toString(),
                "--root-prefix",
                root.toString(),
                "-o",
                ud.toString());
    assertEquals(0, r.code(), r::toString);
    Tools.Result ci =
        Tools.exec(
            tmp,
            null,
            List.of(
                CLOUD_INIT.toString(),
                "--file",
                ud.toString(),
                "single",
                "--name",
                "write_files",
                "--frequency",
                "always"));
    assertEquals(0, ci.code(), ci.output());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(root.resolve("etc/pacha/id_master"))));
    assertTrue(
        Files.isExecutable(root.resolve("var/lib/cloud/scripts/per-instance/pacha-firstboot.sh")));
    return root.resolve("etc/pacha/pacha.conf");
  }

  private Tools.Result firstboot(Path config, String instance) throws Exception {
    return Tools.exec(
        tmp,
        null,
        List.of(
            PromptIT.LAUNCHER.toString(),
            "--config",
            config.toString(),
            "firstboot",
            "--no-daemon",
            "--instance-id",
            instance,
            "--target-root",
            sandbox.toString(),
            "--status-file",
            tmp.resolve("rebuild-status.json").toString()));
  }

  /**
   * What pacha-rebuild.service's ExecCondition (src/deb/lib/firstboot-needed) says about the status
   * file pacha wrote: 1 skips the unit without a JVM, 0 runs pacha firstboot.
   */
  private int needed(String instance) throws Exception {
    Path id = Files.writeString(tmp.resolve("instance-id"), instance + "\n");
    return Tools.exec(
            tmp,
            null,
            List.of(
                "env",
                "PACHA_STATUS_FILE=" + tmp.resolve("rebuild-status.json"),
                "PACHA_INSTANCE_ID_FILES=" + id,
                Path.of("src/deb/lib/firstboot-needed").toAbsolutePath().toString()))
        .code();
  }

  private JsonNode status() throws Exception {
    return new ObjectMapper().readTree(tmp.resolve("rebuild-status.json").toFile());
  }

  @Test
  void firstboot_fromFilesCloudInitWrote_rebuildsBarOncePerInstance() throws Exception {
    Path config = applyUserData();
    Tools.Result r = firstboot(config, "i-1");
    assertEquals(0, r.code(), r.output());
    assertEquals(original, TreeState.of(foo), "content, owners and modes are back");
    assertEquals(List.of("pre", "post"), Files.readAllLines(tmp.resolve("hooks.log")));
    JsonNode s = status();
    assertEquals("success", s.get("result").asText());
    assertEquals("bar", s.get("host").asText());
    assertEquals("i-1", s.get("instanceId").asText());
    assertEquals(2, s.get("placedFiles").asInt());
    assertEquals(2, s.get("hooks").size());

    assertEquals(1, needed("i-1"), "the unit skips later boots of i-1 without a JVM");
    assertEquals(0, needed("i-2"), "a new instance runs pacha");
    Tools.Result again = firstboot(config, "i-1");
    assertEquals(0, again.code(), again.output());
    assertTrue(again.output().contains("already rebuilt on this instance"), again.output());
    assertEquals(
        2, Files.readAllLines(tmp.resolve("hooks.log")).size(), "a reboot does not rebuild again");

    Tools.Result fresh = firstboot(config, "i-2");
    assertEquals(0, fresh.code(), fresh.output());
    assertEquals(4, Files.readAllLines(tmp.resolve("hooks.log")).size(), "a new instance rebuilds");
    assertEquals("i-2", status().get("instanceId").asText());
  }

  @Test
  void firstboot_masterDownAtFirst_waitsWithBackoffAndSucceeds() throws Exception {
    Path config = applyUserData();
    sshd.stopServer();
    Thread restart =
        new Thread(
            () -> {
              try {
                Thread.sleep(3000);
                sshd.restart();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    restart.start();
    Tools.Result r = firstboot(config, "i-3");
    restart.join();
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("not reachable yet (attempt 1)"), r.output());
    JsonNode s = status();
    assertEquals("success", s.get("result").asText());
    assertTrue(s.get("attempts").asInt() >= 2, s.toString());
    assertEquals(original, TreeState.of(foo));
  }

  @Test
  void firstboot_masterGonePastDeadline_degradeCarriesOnFailFailsTheUnit() throws Exception {
    Path degrade = applyUserData("pacha.boot.deadline = 0");
    sshd.stopServer();
    Tools.Result d = firstboot(degrade, "i-4");
    assertEquals(0, d.code(), d.output());
    assertTrue(d.output().contains("carrying on"), d.output());
    assertEquals("failed", status().get("result").asText());
    assertEquals(3, status().get("exitCode").asInt());
    assertEquals(0, needed("i-4"), "after a failure the next boot runs pacha again");

    Path failing = applyUserData("pacha.boot.deadline = 0", "pacha.boot.on_failure = fail");
    Tools.Result f = firstboot(failing, "i-4");
    assertEquals(3, f.code(), f.output());
    assertEquals(
        "failed", status().get("result").asText(), "a failed run is tried again at the next boot");
  }
}
