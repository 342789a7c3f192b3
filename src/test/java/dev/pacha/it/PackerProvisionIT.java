package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pacha.testing.PackerTool;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packer/scripts/provision.sh, run as a bake runs it but in a private mount namespace: /etc and
 * /root are copies, apt-get, systemctl and cloud-init are stand-ins that log their arguments. What
 * lands where, with which modes, and that a second run changes nothing.
 */
class PackerProvisionIT {
  static final Path SCRIPT = PackerTool.TEMPLATES.resolve("scripts/provision.sh");

  @TempDir Path tmp;
  Path stubs;
  Path log;

  @BeforeEach
  void stubs() throws Exception {
    assertEquals("0", Tools.run(tmp, "id", "-u").trim(), "the integration tests run as root");
    stubs = Files.createDirectories(tmp.resolve("stubs"));
    log = tmp.resolve("calls.log");
    for (String tool : List.of("apt-get", "apt-cache", "systemctl", "cloud-init", "pacha")) {
      Path stub = stubs.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho \"" + tool + " $*\" >>" + log + "\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private Tools.Result provision(String inNamespace, Map<String, String> env) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("env", "PATH=" + stubs + ":/usr/sbin:/usr/bin:/sbin:/bin"));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of("sh", "-c", inNamespace, "provision", SCRIPT.toString()));
    return Tools.exec(tmp, null, cmd);
  }

  @Test
  void provision_everyInputTwice_placesFilesWithModesOnceAndResetsFirstBoot() throws Exception {
    Path etc = Files.createDirectories(tmp.resolve("etc"));
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve(".ssh"));
    Files.writeString(root.resolve(".ssh/known_hosts"), "old.example.com ssh-ed25519 AAAAold\n");
    Path drop = Files.createDirectories(tmp.resolve("pacha-bake"));
    Path conf = Files.writeString(drop.resolve("pacha.conf"), "[DEFAULT]\npacha.host = m\n");
    Tools.run(drop, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "master_key");
    Path known =
        Files.writeString(
            drop.resolve("known_hosts"),
            "m ssh-ed25519 AAAAm\nold.example.com ssh-ed25519 AAAAold\n[m]:2222 ssh-rsa AAAAr");
    String namespace =
        "unshare --mount --propagation private sh -ec '"
            + "T="
            + tmp
            + "; [ -e $T/etc/.copied ] || { cp -a /etc/. $T/etc/; touch $T/etc/.copied;"
            + " echo old-id > $T/etc/machine-id; };"
            + " mount --bind $T/etc /etc; mount --bind $T/root /root; exec sh \"$0\"' \"$1\"";
    Map<String, String> env =
        Map.of(
            "PACHA_DEB", PackerTool.DEB.toString(),
            "PACHA_HOST", "bar",
            "PACHA_CONFIG_FILE", conf.toString(),
            "PACHA_SSH_KEY_FILE", drop.resolve("master_key").toString(),
            "PACHA_KNOWN_HOSTS_FILE", known.toString(),
            "PACHA_FIRST_BOOT_RESET", "yes",
            "PACHA_WAIT_CLOUD_INIT", "yes");
    Tools.Result first = provision(namespace, env);
    if (first.output().contains("unshare: ")) {
      fail("this test needs a private mount namespace (unshare -m as root): " + first.output());
    }
    assertEquals(0, first.code(), first.output());
    assertTrue(first.output().contains("pacha-provision: done"), first.output());

    Map<String, String> again = new java.util.HashMap<>(env);
    again.put("PACHA_CLEANUP", drop.toString());
    Tools.Result second = provision(namespace, again);
    assertEquals(0, second.code(), second.output());

    assertEquals(
        "[DEFAULT]\npacha.hostname = bar\npacha.host = m\n",
        Files.readString(etc.resolve("pacha/pacha.conf")),
        "preload_host is the first key of [DEFAULT], once after two runs");
    assertEquals("rw-r--r--", mode(etc.resolve("pacha/pacha.conf")));
    assertEquals("rwx------", mode(root.resolve(".ssh")));
    assertEquals("rw-------", mode(root.resolve(".ssh/id_ed25519")));
    assertTrue(Files.readString(root.resolve(".ssh/id_ed25519")).contains("OPENSSH PRIVATE KEY"));
    assertEquals(
        List.of(
            "old.example.com ssh-ed25519 AAAAold", "m ssh-ed25519 AAAAm", "[m]:2222 ssh-rsa AAAAr"),
        Files.readAllLines(root.resolve(".ssh/known_hosts")),
        "merged once, nothing twice");
    assertFalse(Files.exists(etc.resolve("default/pacha-rebuild")), "nothing reads that file");
    assertEquals(0, Files.size(etc.resolve("machine-id")), "machine-id not reset");
    assertEquals(
        0,
        Files.getAttribute(etc.resolve("pacha/pacha.conf"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(drop), "the drop box was not removed");

    List<String> calls = Files.readAllLines(log);
    assertTrue(calls.contains("cloud-init status --wait"), calls.toString());
    assertTrue(
        calls.stream()
            .anyMatch(
                c ->
                    c.startsWith("apt-get")
                        && c.endsWith("install --no-install-recommends openjdk-17-jre-headless")),
        calls.toString());
    assertTrue(
        calls.stream()
            .anyMatch(
                c ->
                    c.startsWith("apt-get")
                        && c.endsWith("install --no-install-recommends " + PackerTool.DEB)),
        calls.toString());
    assertEquals(
        2, calls.stream().filter(c -> c.equals("systemctl enable pacha-rebuild.service")).count());
    assertTrue(calls.contains("cloud-init clean --logs"), calls.toString());
    // Waiting for cloud-init comes before apt, or apt races it for the lock.
    assertTrue(
        calls.indexOf("cloud-init status --wait") < indexOf(calls, "apt-get"), calls.toString());
  }

  private static int indexOf(List<String> calls, String prefix) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void provision_badInputs_exit2BeforeChangingAnything() throws Exception {
    String direct = "exec sh \"$1\"";
    Tools.Result noDeb = provision(direct, Map.of());
    assertEquals(2, noDeb.code(), noDeb.output());
    assertTrue(noDeb.output().contains("PACHA_DEB is not set"), noDeb.output());
    Tools.Result missingDeb =
        provision(direct, Map.of("PACHA_DEB", tmp.resolve("x.deb").toString()));
    assertEquals(2, missingDeb.code(), missingDeb.output());
    assertTrue(missingDeb.output().contains("x.deb: no such file"), missingDeb.output());
    Map<String, String> badHost =
        Map.of("PACHA_DEB", PackerTool.DEB.toString(), "PACHA_HOST", "bar; reboot");
    Tools.Result host = provision(direct, badHost);
    assertEquals(2, host.code(), host.output());
    assertTrue(host.output().contains("not a valid host name"), host.output());
    Tools.Result missingKey =
        provision(
            direct,
            Map.of(
                "PACHA_DEB",
                PackerTool.DEB.toString(),
                "PACHA_SSH_KEY_FILE",
                tmp.resolve("nokey").toString()));
    assertEquals(2, missingKey.code(), missingKey.output());
    assertFalse(
        Files.exists(log), "a tool ran: " + (Files.exists(log) ? Files.readString(log) : ""));
  }
}
