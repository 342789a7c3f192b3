package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.json.Json;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.PackerTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pacha image validate|bake` running the real packer on the null/file test template: events,
 * artifacts, errors, exit codes, --timeout, and the process tree left behind.
 */
class ImageIT {
  static final String TEST_TEMPLATE = PackerTool.TEST_TEMPLATE.toString();

  @TempDir Path tmp;
  PachaCli pacha;
  Path work;

  @BeforeEach
  void setUp() throws Exception {
    PackerTool.require();
    pacha = new PachaCli(tmp);
    work = Files.createDirectories(tmp.resolve("work"));
  }

  /** The result JSON as a map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(PachaCli.Run r) {
    return Json.read(r.out().getBytes(), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
    return (List<Map<String, Object>>) json.get(key);
  }

  @Test
  void bake_testTemplate_streamsProgressAndReturnsArtifacts() throws Exception {
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var",
            "work_dir=" + work,
            "--var",
            "message=one, two",
            "--json");
    assertEquals(0, r.code(), r.toString());
    Map<String, Object> result = json(r);
    assertEquals("ok", result.get("outcome"), r.toString());
    assertEquals("bake", result.get("action"));
    assertEquals(0, result.get("packerExitCode"));
    List<Map<String, Object>> artifacts = list(result, "artifacts");
    assertEquals(2, artifacts.size(), r.toString());
    Map<String, Object> file =
        artifacts.stream()
            .filter(a -> a.get("build").equals("driver.file.test"))
            .findFirst()
            .orElseThrow();
    assertEquals("packer.file", file.get("builderId"));
    assertEquals("File", file.get("id"));
    assertEquals(List.of(work.resolve("artifact.txt").toString()), file.get("files"));
    assertTrue(Files.readString(work.resolve("artifact.txt")).startsWith("baked by pacha"));
    assertTrue(
        artifacts.stream().anyMatch(a -> a.get("builderId").equals("fnoeding.null")), r.out());
    assertEquals(List.of(), result.get("errors"));
    // Progress goes to stderr with --json, commas unescaped; the generated variables arrived.
    assertTrue(r.err().contains("    driver.null.test: message: one, two\n"), r.err());
    assertTrue(r.err().contains("driver.null.test: deb: " + PackerTool.DEB + "\n"), r.err());
    assertTrue(r.err().contains("driver.file.test: version: "), r.err());
    assertFalse(r.out().contains("==>"), r.out());
  }

  @Test
  void bake_withoutJson_printsProgressThenTheArtifacts() {
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var",
            "work_dir=" + work,
            "--only",
            "driver.file.test");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("Validating " + TEST_TEMPLATE + "\n"), r.out());
    assertTrue(r.out().contains("==> Builds finished."), r.out());
    assertTrue(r.out().contains("Baked 1 artifact in "), r.out());
    assertTrue(r.out().contains("  driver.file.test: File (packer.file)\n"), r.out());
    assertTrue(r.out().contains("    " + work.resolve("artifact.txt") + "\n"), r.out());
    assertFalse(r.out().contains("driver.null.test"), "--only ran the null build: " + r.out());
    assertEquals("", r.err());
  }

  @Test
  void bake_varFileAndVar_laterVarWinsOverTheFile() throws Exception {
    Path vars =
        Files.writeString(
            tmp.resolve("my.pkrvars.hcl"), "message = \"from file\"\nfail_with = 0\n");
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var-file",
            vars.toString(),
            "--var",
            "work_dir=" + work,
            "--only",
            "driver.null.test");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("driver.null.test: message: from file\n"), r.out());
    PachaCli.Run over =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var-file",
            vars.toString(),
            "--var",
            "work_dir=" + work,
            "--var",
            "message=from var",
            "--only",
            "driver.null.test");
    assertTrue(over.out().contains("driver.null.test: message: from var\n"), over.out());
  }

  @Test
  void bake_failingProvisioner_exits1NamingTheBuildAndKeepsTheOtherArtifact() {
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var",
            "work_dir=" + work,
            "--var",
            "fail_with=3",
            "--json");
    assertEquals(1, r.code(), r.toString());
    Map<String, Object> result = json(r);
    assertEquals("failed", result.get("outcome"));
    assertEquals(1, result.get("packerExitCode"));
    List<Map<String, Object>> errors = list(result, "errors");
    assertEquals(1, errors.size(), r.out());
    assertEquals("driver.null.test", errors.get(0).get("build"));
    assertTrue(((String) errors.get(0).get("message")).contains("exit status: 3"), r.out());
    assertEquals(1, list(result, "artifacts").size(), "the file build still succeeded");
    assertTrue(r.err().contains("==> driver.null.test: failing with 3"), r.err());
    String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(
        last.startsWith("pacha: packer build failed: driver.null.test: Script exited with"), last);
  }

  @Test
  void validate_brokenTemplate_exits2WithOneLineFromPackersDiagnostic() throws Exception {
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(
        broken.resolve("bad.pkr.hcl"),
        "source \"null\" \"x\" {\n  communicator = \"none\"\n  bogus = 1\n}\n"
            + "build {\n  sources = [\"source.null.x\"]\n}\n");
    PachaCli.Run r = pacha.run("image", "validate", broken.toString(), "--json");
    assertEquals(2, r.code(), r.toString());
    Map<String, Object> result = json(r);
    assertEquals("invalid", result.get("outcome"));
    String message = (String) list(result, "errors").get(0).get("message");
    // The JSON keeps packer's lines; the error line is one line.
    assertTrue(message.contains("\n"), message);
    assertTrue(message.contains("An argument named \"bogus\" is not expected here."), message);
    List<String> errLines = r.err().lines().filter(l -> l.startsWith("pacha: ")).toList();
    assertEquals(1, errLines.size(), r.err());
    assertTrue(errLines.get(0).contains("Unsupported argument"), errLines.get(0));
    assertTrue(errLines.get(0).contains("bad.pkr.hcl line 3"), errLines.get(0));
  }

  @Test
  void bake_brokenTemplate_exits2AndBuildsNothing() throws Exception {
    PachaCli.Run r =
        pacha.run("image", "bake", TEST_TEMPLATE, "--var", "work_dir=" + work, "--var", "nope=1");
    assertEquals(2, r.code(), r.toString());
    assertTrue(
        r.err().contains("pacha: the template " + TEST_TEMPLATE + " does not validate"), r.err());
    assertTrue(r.err().contains("Undefined -var variable"), r.err());
    assertFalse(r.out().contains("Building"), r.out());
    assertFalse(Files.exists(work.resolve("artifact.txt")));
  }

  @Test
  void validate_shippedTemplatesByDefault_findsPackerDirAndTheDebBesideTheJar() {
    // No TEMPLATE: the packer/ that came with pacha; pacha_deb: target/pacha.deb.
    PachaCli.Run r = pacha.run("image", "validate", "--only", "*.amazon-ebs.debian");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("The template " + PackerTool.TEMPLATES + " is valid"), r.out());
  }

  @Test
  void validate_onlyMatchingNoBuild_exits2ListingTheBuilds() {
    // Packer 1.6.6 itself would validate nothing and say it is fine.
    PachaCli.Run r =
        pacha.run(
            "image", "validate", TEST_TEMPLATE, "--var", "work_dir=" + work, "--only", "null.test");
    assertEquals(2, r.code(), r.toString());
    assertTrue(
        r.err()
            .contains(
                "--only null.test matches no build of the template; its builds are"
                    + " driver.null.test, driver.file.test"),
        r.err());
    PachaCli.Run glob =
        pacha.run(
            "image", "validate", TEST_TEMPLATE, "--var", "work_dir=" + work, "--only", "*.null.*");
    assertEquals(0, glob.code(), glob.toString());
  }

  @Test
  void image_packerMissing_exits7WithHowToInstallIt() throws Exception {
    PachaCli.Run r =
        pacha.env("PATH", tmp.resolve("empty").toString()).run("image", "validate", TEST_TEMPLATE);
    assertEquals(7, r.code(), r.toString());
    assertEquals(
        "pacha: packer is not installed (not found on PATH="
            + tmp.resolve("empty")
            + "); install it (Debian: apt-get install packer) or give its path with --packer\n",
        r.err());
    PachaCli.Run given =
        new PachaCli(tmp)
            .run("image", "bake", TEST_TEMPLATE, "--packer", tmp.resolve("no-packer").toString());
    assertEquals(7, given.code(), given.toString());
    assertTrue(given.err().contains("does not exist or is not executable"), given.err());
  }

  @Test
  void image_badOptions_exit2BeforePackerRuns() {
    assertEquals(2, pacha.run("image", "bake", TEST_TEMPLATE, "--var", "1x=2").code());
    assertEquals(2, pacha.run("image", "bake", TEST_TEMPLATE, "--var", "novalue").code());
    PachaCli.Run deb =
        pacha.run("image", "bake", TEST_TEMPLATE, "--deb", tmp.resolve("x.deb").toString());
    assertEquals(2, deb.code(), deb.toString());
    assertTrue(deb.err().contains("--deb " + tmp.resolve("x.deb") + ": no such file"), deb.err());
    assertEquals(2, pacha.run("image", "bake", TEST_TEMPLATE, "--timeout", "0").code());
    assertEquals(2, pacha.run("image", "bake", TEST_TEMPLATE, "--timeout", "soon").code());
    assertEquals(2, pacha.run("image", "validate", tmp.resolve("none").toString()).code());
    assertEquals(2, pacha.run("image").code());
  }

  @Test
  void bake_timeoutPasses_stopsPackerAndEveryProcessItStartedAndExits1() throws Exception {
    long start = System.nanoTime();
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--var",
            "work_dir=" + work,
            "--var",
            "sleep_seconds=300",
            "--only",
            "driver.null.test",
            "--timeout",
            "12s",
            "--grace",
            "60s",
            "--json");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(1, r.code(), r.toString());
    assertEquals("timed-out", json(r).get("outcome"), r.out());
    assertTrue(r.err().contains("pacha: the bake ran past --timeout"), r.err());
    assertTrue(Files.exists(work.resolve("sleep.pid")), "the long provisioner never started");
    assertFalse(PackerTool.alive(work.resolve("shell.pid")), "provisioner shell still runs");
    assertFalse(PackerTool.alive(work.resolve("sleep.pid")), "provisioner's sleep still runs");
    assertEquals(List.of(), liveDescendants(), "packer left processes behind");
    // Packer's clean-up ended when it was done, not when the grace period ran out.
    assertTrue(seconds < 50, "took " + seconds + " s");
  }

  @Test
  void bake_packerIgnoresTerm_isKilledAfterTheGracePeriod() throws Exception {
    // A stand-in packer that will not stop: prints a line, a non-protocol line, then hangs.
    Path fake = tmp.resolve("stubborn-packer");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "[ \"$1\" = validate ] && exit 0\n"
            + "trap '' TERM INT\n"
            + "echo $$ > "
            + work.resolve("fake.pid")
            + "\n"
            + "echo '1700000000,,ui,say,stubborn build started'\n"
            + "echo 'panic: not machine readable'\n"
            + "while :; do sleep 1; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    long start = System.nanoTime();
    PachaCli.Run r =
        pacha.run(
            "image",
            "bake",
            TEST_TEMPLATE,
            "--packer",
            fake.toString(),
            "--timeout",
            "3s",
            "--grace",
            "1s");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("stubborn build started\n"), r.out());
    assertTrue(r.out().contains("panic: not machine readable\n"), r.out());
    assertFalse(PackerTool.alive(work.resolve("fake.pid")), "the stubborn packer still runs");
    assertEquals(List.of(), liveDescendants());
    assertTrue(seconds < 20, "took " + seconds + " s");
  }

  /** Processes this JVM started (through pacha) that still run. */
  static List<String> liveDescendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
        .toList();
  }
}
