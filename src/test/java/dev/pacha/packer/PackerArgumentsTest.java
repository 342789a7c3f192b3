package dev.pacha.packer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one place packer command lines and generated variables are made. */
class PackerArgumentsTest {
  @TempDir Path tmp;

  private ImageRequest request(Map<String, String> vars, Optional<Path> deb) {
    return new ImageRequest(
        Path.of("packer"),
        vars,
        List.of(Path.of("a.pkrvars.hcl"), Path.of("b.pkrvars.hcl")),
        List.of("amazon-ebs.debian", "qemu.debian"),
        deb,
        Optional.empty(),
        Duration.ofSeconds(1));
  }

  @Test
  void build_allInputs_generatedVarFileFirstThenUserFilesVarsOnlyAndTemplateLast() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("aws_region", "eu-west-1");
    vars.put("message", "a=b, c");
    PackerArguments args = new PackerArguments(request(vars, Optional.empty()), Optional.empty());
    List<String> cmd = args.build(Path.of("/usr/bin/packer"), Path.of("/tmp/gen.pkrvars.hcl"));
    assertEquals(
        List.of(
            "/usr/bin/packer",
            "build",
            "-machine-readable",
            "-on-error=cleanup",
            "-var-file=/tmp/gen.pkrvars.hcl",
            "-var-file=a.pkrvars.hcl",
            "-var-file=b.pkrvars.hcl",
            "-var",
            "aws_region=eu-west-1",
            "-var",
            "message=a=b, c",
            "-only=amazon-ebs.debian,qemu.debian",
            "packer"),
        cmd);
  }

  @Test
  void validate_sameInputs_sameArgumentsWithoutOnError() {
    PackerArguments args =
        new PackerArguments(request(Map.of(), Optional.empty()), Optional.empty());
    List<String> cmd = args.validate(Path.of("packer"), Path.of("g"));
    assertEquals(
        List.of("packer", "validate", "-machine-readable", "-var-file=g"), cmd.subList(0, 4));
    assertFalse(cmd.contains("-on-error=cleanup"));
    assertEquals("packer", cmd.get(cmd.size() - 1));
  }

  @Test
  void generated_debBesideTheJar_isFoundAndAbsolute() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(home.resolve("pacha.deb"), "deb");
    Map<String, String> gen =
        new PackerArguments(request(Map.of(), Optional.empty()), Optional.of(home)).generated();
    assertEquals(home.resolve("pacha.deb").toAbsolutePath().toString(), gen.get("pacha_deb"));
    assertTrue(gen.containsKey("pacha_version"));
  }

  @Test
  void generated_explicitDeb_winsOverTheOneBesideTheJar() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(home.resolve("pacha.deb"), "deb");
    Path mine = Files.writeString(tmp.resolve("mine.deb"), "deb");
    Map<String, String> gen =
        new PackerArguments(request(Map.of(), Optional.of(mine)), Optional.of(home)).generated();
    assertEquals(mine.toAbsolutePath().toString(), gen.get("pacha_deb"));
  }

  @Test
  void generated_noDebAnywhere_leavesPachaDebOut() {
    Map<String, String> gen =
        new PackerArguments(request(Map.of(), Optional.empty()), Optional.of(tmp)).generated();
    assertFalse(gen.containsKey("pacha_deb"));
  }

  @Test
  void generated_userSetsTheSameVariable_userWinsAndItIsNotGenerated() {
    Map<String, String> gen =
        new PackerArguments(
                request(Map.of("pacha_deb", "/x.deb", "pacha_version", "9"), Optional.empty()),
                Optional.empty())
            .generated();
    assertEquals(Map.of(), gen);
  }

  @Test
  void varFile_awkwardValues_areQuotedSoHclReadsThemBackLiterally() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("a", "say \"hi\" \\ there");
    vars.put("b", "${var.x} and %{ if true } and $5 and 100%");
    vars.put("c", "two\nlines\tand tab");
    String text = PackerArguments.varFile(vars);
    assertTrue(text.contains("a = \"say \\\"hi\\\" \\\\ there\"\n"), text);
    assertTrue(text.contains("b = \"$${var.x} and %%{ if true } and $5 and 100%\"\n"), text);
    assertTrue(text.contains("c = \"two\\nlines\\tand tab\"\n"), text);
  }
}
