package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Debian package that `mvn package` builds, inspected with dpkg-deb and run unpacked. */
class PackageIT {
  static final Path DEB = PromptIT.LAUNCHER.resolveSibling("pacha.deb");

  @TempDir Path tmp;

  @Test
  void deb_control_dependsOnHeadlessJava17AndKeepsTheConfigAsConffile() throws Exception {
    String info = Tools.run(tmp, "dpkg-deb", "-I", DEB.toString());
    assertTrue(info.contains("Package: pacha"), info);
    assertTrue(info.contains("Architecture: all"), info);
    assertTrue(
        info.matches(
            "(?s).*Depends: default-jre-headless \\(>= 2:1\\.17\\) \\| java17-runtime-headless.*"),
        info);
    String name = Tools.run(tmp, "dpkg-deb", "-f", DEB.toString(), "Package");
    assertEquals("pacha", name.trim());
    Path control = tmp.resolve("control");
    Tools.run(tmp, "dpkg-deb", "-e", DEB.toString(), control.toString());
    assertEquals(
        List.of("/etc/pacha/pacha.conf", "/etc/pacha/master.conf"),
        Files.readAllLines(control.resolve("conffiles")));
    assertTrue(Files.isExecutable(control.resolve("postinst")));
  }

  @Test
  void deb_files_haveTheirPlacesOwnersAndModes() throws Exception {
    String list = Tools.run(tmp, "dpkg-deb", "-c", DEB.toString());
    assertTrue(list.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/bin/pacha\n.*"), list);
    assertTrue(
        list.matches("(?s).*-rw-r--r-- root/root .* \\./usr/share/pacha/pacha\\.jar\n.*"), list);
    assertTrue(list.matches("(?s).*-rw-r--r-- root/root .* \\./etc/pacha/pacha\\.conf\n.*"), list);
    assertTrue(list.contains("./lib/systemd/system/pacha-daemon.service"), list);
    assertTrue(list.contains("./lib/systemd/system/pacha-rebuild.service"), list);
    assertTrue(list.contains("./lib/systemd/system/pacha-master.service"), list);
    assertTrue(list.matches("(?s).*-rw-r--r-- root/root .* \\./etc/pacha/master\\.conf\n.*"), list);
    assertTrue(
        list.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/lib/pacha/firstboot-needed\n.*"), list);
  }

  @Test
  void deb_unpacked_launcherFindsItsJarAndPassesExitCodes() throws Exception {
    Path root = tmp.resolve("root");
    Tools.run(tmp, "dpkg-deb", "-x", DEB.toString(), root.toString());
    Path launcher = root.resolve("usr/bin/pacha");
    Tools.Result version = Tools.exec(tmp, null, List.of(launcher.toString(), "--version"));
    assertEquals(0, version.code(), version.output());
    assertTrue(version.output().startsWith("pacha "), version.output());
    Tools.Result bad =
        Tools.exec(
            tmp,
            null,
            List.of(
                launcher.toString(), "--config", tmp.resolve("nope.conf").toString(), "status"));
    assertEquals(2, bad.code(), bad.output());
    assertTrue(bad.output().contains("does not exist"), bad.output());
    // The packaged example config is valid as shipped.
    Tools.Result values =
        Tools.exec(
            tmp,
            null,
            List.of(
                launcher.toString(),
                "--config",
                root.resolve("etc/pacha/pacha.conf").toString(),
                "--config-values"));
    assertEquals(0, values.code(), values.output());
    assertTrue(values.output().contains("pacha.frequency = 60"), values.output());
  }
}
