package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import dev.pacha.transport.SftpBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded master as the Debian package runs it: pacha-master.service, valid for systemd, runs
 * its ExecStart with the shipped /etc/pacha/master.conf; the master's own commands work with the
 * same file. No systemd runs here, so the unit's command line is run as it stands.
 */
class MasterServiceIT {
  static final Path LAUNCHER = Path.of(System.getProperty("pacha.launcher", "target/pacha"));
  static final Path DEB = LAUNCHER.resolveSibling("pacha.deb");

  @TempDir Path tmp;

  @Test
  void deb_masterUnit_passesSystemdAnalyzeVerifyAndSetsRestartAndLimits() throws Exception {
    Path root = unpack();
    String unit = Files.readString(root.resolve("lib/systemd/system/pacha-master.service"));
    for (String line :
        List.of(
            "Restart=on-failure",
            "SuccessExitStatus=143",
            "User=pacha-master",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "StateDirectory=pacha-master")) {
      assertTrue(unit.lines().anyMatch(line::equals), line + " in:\n" + unit);
    }
    assertTrue(unit.lines().anyMatch(l -> l.startsWith("LimitNOFILE=")), unit);
    // systemd-analyze checks the unit with its command present: the unpacked launcher.
    Path checked = tmp.resolve("pacha-master.service");
    Files.writeString(
        checked, unit.replace("/usr/bin/pacha", root.resolve("usr/bin/pacha").toString()));
    Tools.Result r =
        Tools.exec(tmp, null, List.of("systemd-analyze", "verify", "--man=no", checked.toString()));
    assertEquals(0, r.code(), r.output());
    assertEquals("", r.output().strip(), "no warning about the unit");
  }

  @Test
  void deb_masterUnitsCommandWithTheShippedConfig_servesAndTheMasterCommandsWork()
      throws Exception {
    Path root = unpack();
    Path hosts = tmp.resolve("hosts");
    // The shipped config, with the hosts path and port of this test.
    Path conf = tmp.resolve("master.conf");
    Files.writeString(
        conf,
        Files.readString(root.resolve("etc/pacha/master.conf"))
            .replace(
                "pacha.hosts.path = /var/lib/pacha-master/hosts", "pacha.hosts.path = " + hosts)
            .replace("pacha.serve.port = 2222", "pacha.serve.port = 0")
            .replace("pacha.serve.bind = 0.0.0.0", "pacha.serve.bind = 127.0.0.1"));
    assertTrue(Files.readString(conf).contains("pacha.hosts.path = " + hosts));
    String unit = Files.readString(root.resolve("lib/systemd/system/pacha-master.service"));
    String exec =
        unit.lines()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow()
            .substring(10);
    List<String> command = new ArrayList<>();
    for (String word : exec.split(" ")) {
      command.add(
          switch (word) {
            case "/usr/bin/pacha" -> root.resolve("usr/bin/pacha").toString();
            case "/etc/pacha/master.conf" -> conf.toString();
            default -> word;
          });
    }
    Process p =
        new ProcessBuilder(command).redirectError(tmp.resolve("serve.err").toFile()).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder printed = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        printed.append(line).append('\n');
        if (line.startsWith("Stop with")) {
          break;
        }
      }
      Matcher port = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
      assertTrue(port.find(), printed + Files.readString(tmp.resolve("serve.err")));
      assertEquals(
          "rwx------",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(hosts)),
          "the master made its hosts path private");

      PachaCli cli = new PachaCli(tmp);
      MasterFixture keys = new MasterFixture(tmp.resolve("k"));
      Path barKey = keys.key("bar");
      PachaCli.Run add =
          cli.run(
              "--config",
              conf.toString(),
              "host",
              "add",
              "bar",
              "--key",
              MasterFixture.pub(barKey).toString());
      assertEquals(0, add.code(), add.toString());
      PachaCli.Run known =
          cli.run(
              "--config",
              conf.toString(),
              "master",
              "known-hosts",
              "--port",
              port.group(1),
              "--name",
              "127.0.0.1");
      assertEquals(0, known.code(), known.toString());
      String line = known.out().strip();
      assertTrue(printed.toString().contains("  " + line + "\n"), line + " vs\n" + printed);

      // A host pins that line and logs in.
      Files.writeString(keys.knownHosts, line + "\n");
      try (SftpBackend bar =
          SftpBackend.connect(
              "bar", "127.0.0.1", Integer.parseInt(port.group(1)), "/", keys.ssh(barKey))) {
        bar.put("bar/snapshots/x.json", "{}".getBytes(StandardCharsets.UTF_8));
      }
      PachaCli.Run list = cli.run("--config", conf.toString(), "host", "list");
      assertEquals(0, list.code(), list.toString());
      assertTrue(
          list.out().matches("(?s)HOST +KEYS +SNAPSHOTS +DIRECTORY\nbar +1 +1 +.*"), list.out());

      p.toHandle().destroy();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(143, p.exitValue(), "the unit's SuccessExitStatus");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void deb_postinst_isValidShellAndMakesTheMastersUserAndPrivateHostsPath() throws Exception {
    Path control = tmp.resolve("control");
    Tools.run(tmp, "dpkg-deb", "-e", DEB.toString(), control.toString());
    Tools.run(tmp, "sh", "-n", control.resolve("postinst").toString());
    String postinst = Files.readString(control.resolve("postinst"));
    assertTrue(postinst.contains("useradd --system"), postinst);
    assertTrue(
        postinst.contains(
            "install -d -m 0700 -o pacha-master -g pacha-master /var/lib/pacha-master"),
        postinst);
    assertEquals(
        List.of("/etc/pacha/pacha.conf", "/etc/pacha/master.conf"),
        Files.readAllLines(control.resolve("conffiles")));
    assertFalse(
        Arrays.asList(Files.readString(control.resolve("postinst")).split("\n")).stream()
            .anyMatch(l -> l.contains("enable pacha-master")),
        "the master's unit is not enabled on every machine that installs pacha");
  }

  private Path unpack() throws Exception {
    assertTrue(Files.exists(DEB), "needs the package: mvn package");
    Path root = tmp.resolve("root");
    Tools.run(tmp, "dpkg-deb", "-x", DEB.toString(), root.toString());
    return root;
  }
}
