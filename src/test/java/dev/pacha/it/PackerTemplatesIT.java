package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.PackerTool;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The templates in packer/ against the real packer (Debian's 1.6.6): validate and fmt. */
class PackerTemplatesIT {
  static final Path TEMPLATES = PackerTool.TEMPLATES;

  /** The checksum default is a URL packer fetches at validate time; tests run offline. */
  static final String OFFLINE_CHECKSUM = "qemu_source_checksum=sha512:" + "0".repeat(128);

  @TempDir Path tmp;
  Path seed;

  @BeforeEach
  void seed() throws Exception {
    PackerTool.require();
    assertTrue(Files.isRegularFile(PackerTool.DEB), "build the .deb first: mvn package");
    seed = tmp.resolve("seed");
    Tools.run(tmp, "sh", TEMPLATES.resolve("scripts/qemu-seed.sh").toString(), seed.toString());
  }

  private Tools.Result validate(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("validate", "-var", "pacha_deb=" + PackerTool.DEB));
    args.addAll(List.of(extra));
    args.add(TEMPLATES.toString());
    return PackerTool.packer(tmp, args.toArray(String[]::new));
  }

  @Test
  void validate_amazonEbsSource_packerAcceptsItOffline() throws Exception {
    Tools.Result r = validate("-only=pacha-base.amazon-ebs.debian");
    assertEquals(0, r.code(), r.output());
    // The source really was checked (a -only that matches nothing checks nothing).
    Tools.Result bad = validate("-only=pacha-base.amazon-ebs.debian", "-var", "image_name=a*b");
    assertNotEquals(0, bad.code(), bad.output());
    assertTrue(bad.output().contains("AMIName should only contain"), bad.output());
  }

  @Test
  void validate_qemuSourceWithSeed_packerAcceptsIt() throws Exception {
    Tools.Result r =
        validate(
            "-only=pacha-base.qemu.debian",
            "-var",
            OFFLINE_CHECKSUM,
            "-var",
            "qemu_seed_dir=" + seed,
            "-var",
            "qemu_ssh_private_key_file=" + seed.resolve("id_ed25519"));
    assertEquals(0, r.code(), r.output());
    Tools.Result bad =
        validate(
            "-only=pacha-base.qemu.debian",
            "-var",
            OFFLINE_CHECKSUM,
            "-var",
            "qemu_ssh_private_key_file=" + tmp.resolve("no-key"));
    assertNotEquals(0, bad.code(), bad.output());
    assertTrue(bad.output().contains("ssh_private_key_file is invalid"), bad.output());
  }

  @Test
  void validate_everySourceWithEveryPreload_packerAcceptsIt() throws Exception {
    Path conf = Files.writeString(tmp.resolve("pacha.conf"), "[DEFAULT]\npacha.host = m\n");
    Path kh = Files.writeString(tmp.resolve("known_hosts"), "m ssh-ed25519 AAAA\n");
    Tools.Result r =
        validate(
            "-var",
            OFFLINE_CHECKSUM,
            "-var",
            "preload_host=bar",
            "-var",
            "preload_config_file=" + conf,
            "-var",
            "preload_ssh_key_file=" + seed.resolve("id_ed25519"),
            "-var",
            "preload_known_hosts_file=" + kh,
            "-var",
            "tags={team = \"ops\"}");
    assertEquals(0, r.code(), r.output());
  }

  @Test
  void validate_withoutTheDeb_packerNamesTheMissingVariable() throws Exception {
    Tools.Result r =
        PackerTool.packer(
            tmp, "validate", "-only=pacha-base.amazon-ebs.debian", TEMPLATES.toString());
    assertNotEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("pacha_deb"), r.output());
  }

  @Test
  void validate_badPreloadInputs_packerNamesTheVariable() throws Exception {
    // A multi-file upload is not checked by validate; the variables' own rules catch these.
    Tools.Result missing =
        validate(
            "-only=pacha-base.amazon-ebs.debian",
            "-var",
            "preload_config_file=" + tmp.resolve("nope"));
    assertNotEquals(0, missing.code(), missing.output());
    assertTrue(missing.output().contains("The preload_config_file value"), missing.output());
    Tools.Result host =
        validate("-only=pacha-base.amazon-ebs.debian", "-var", "preload_host=bar; reboot");
    assertNotEquals(0, host.code(), host.output());
    assertTrue(host.output().contains("The preload_host value"), host.output());
    Tools.Result seedDir = validate("-only=pacha-base.qemu.debian", "-var", "qemu_seed_dir=" + tmp);
    assertNotEquals(0, seedDir.code(), seedDir.output());
    assertTrue(seedDir.output().contains("The qemu_seed_dir value"), seedDir.output());
  }

  @Test
  void validate_driverTestTemplate_packerAcceptsIt() throws Exception {
    Tools.Result r =
        PackerTool.packer(
            tmp, "validate", "-var", "work_dir=" + tmp, PackerTool.TEST_TEMPLATE.toString());
    assertEquals(0, r.code(), r.output());
  }

  @Test
  void fmt_everyTemplateDirectory_isCanonical() throws Exception {
    for (Path dir : List.of(TEMPLATES, PackerTool.TEST_TEMPLATE, TEMPLATES.resolve("plugins"))) {
      Tools.Result r = PackerTool.packer(tmp, "fmt", "-check", "-diff", dir.toString());
      assertEquals(0, r.code(), dir + " is not formatted (packer fmt " + dir + "):\n" + r.output());
    }
  }

  @Test
  void requiredPlugins_liveApartFromTheTemplatesPacker166Reads() throws Exception {
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pkr.hcl")).toList()) {
        assertFalse(Files.readString(f).contains("required_plugins"), f.toString());
      }
    }
    String plugins = Files.readString(TEMPLATES.resolve("plugins/plugins.pkr.hcl"));
    assertTrue(plugins.contains("github.com/hashicorp/amazon"), plugins);
    assertTrue(plugins.contains("github.com/hashicorp/qemu"), plugins);
    Tools.Result version = PackerTool.packer(tmp, "version");
    if (version.output().startsWith("Packer v1.6.")) {
      // Why the block has a directory of its own: 1.6.6 rejects it.
      Tools.Result r = PackerTool.packer(tmp, "validate", TEMPLATES.resolve("plugins").toString());
      assertNotEquals(0, r.code(), r.output());
      assertTrue(r.output().contains("required_plugins"), r.output());
    }
  }

  @Test
  void qemuSeed_script_writesAPrivateKeyAndCloudConfigThatAuthorizesIt() throws Exception {
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(seed.resolve("id_ed25519"))));
    String pub = Files.readString(seed.resolve("id_ed25519.pub")).trim();
    String userData = Files.readString(seed.resolve("user-data"));
    assertTrue(userData.startsWith("#cloud-config\n"), userData);
    assertTrue(userData.contains("      - " + pub + "\n"), userData);
    assertTrue(userData.contains("ssh_pwauth: false"), userData);
    assertTrue(Files.readString(seed.resolve("meta-data")).contains("instance-id: "));
    // A second run keeps the key: the seed and the key must match.
    Tools.run(tmp, "sh", TEMPLATES.resolve("scripts/qemu-seed.sh").toString(), seed.toString());
    assertEquals(pub, Files.readString(seed.resolve("id_ed25519.pub")).trim());
  }

  @Test
  void deb_shipsTheTemplatesWithExecutableScriptsButNotTheTestTemplate() throws Exception {
    String list = Tools.run(tmp, "dpkg-deb", "-c", PackerTool.DEB.toString());
    for (String f : List.of("build.pkr.hcl", "sources.pkr.hcl", "variables.pkr.hcl")) {
      assertTrue(
          list.matches("(?s).*-rw-r--r-- root/root .* \\./usr/share/pacha/packer/" + f + "\n.*"),
          list);
    }
    assertTrue(
        list.matches(
            "(?s).*-rwxr-xr-x root/root .* \\./usr/share/pacha/packer/scripts/provision\\.sh\n.*"),
        list);
    assertFalse(list.contains("packer/test/"), list);
  }

  @Test
  void deb_unpacked_pachaValidatesTheTemplatesItShips() throws Exception {
    Path root = tmp.resolve("root");
    Tools.run(tmp, "dpkg-deb", "-x", PackerTool.DEB.toString(), root.toString());
    Tools.Result r =
        Tools.exec(
            tmp,
            null,
            List.of(
                root.resolve("usr/bin/pacha").toString(),
                "image",
                "validate",
                "--deb",
                PackerTool.DEB.toString(),
                "--only",
                "*.amazon-ebs.debian"));
    assertEquals(0, r.code(), r.output());
    assertTrue(
        r.output().contains("The template " + root.resolve("usr/share/pacha/packer") + " is valid"),
        r.output());
  }
}
