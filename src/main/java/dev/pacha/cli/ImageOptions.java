package dev.pacha.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options `pacha image validate` and `pacha image bake` share. */
final class ImageOptions {
  @Parameters(
      paramLabel = "TEMPLATE",
      arity = "0..1",
      description =
          "A template file or directory (default: the packer/ templates that came with pacha).")
  Path template;

  @Option(
      names = "--var",
      paramLabel = "NAME=VALUE",
      description = "Set a template variable (repeatable; wins over --var-file).")
  Map<String, String> vars = new LinkedHashMap<>();

  @Option(
      names = "--var-file",
      paramLabel = "FILE",
      description = "Read variables from a .pkrvars.hcl file (repeatable, later files win).")
  List<Path> varFiles = new ArrayList<>();

  @Option(
      names = "--only",
      paramLabel = "BUILD",
      split = ",",
      description =
          "Run only these builds: pacha-base.amazon-ebs.debian, pacha-base.qemu.debian, or a glob"
              + " such as '*.qemu.debian' (repeatable).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--deb",
      paramLabel = "FILE",
      description =
          "The pacha .deb to install (default: target/pacha.deb beside the jar); sets pacha_deb.")
  Path deb;

  @Option(
      names = "--packer",
      paramLabel = "PATH",
      description = "The packer binary (default: packer on PATH).")
  Path packer;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Stop packer (gracefully, as Ctrl-C does) after this long: 90s, 45m, 2h.")
  Duration timeout;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "5m",
      description =
          "How long a stopped packer may clean up (terminate its instance, ...) before it is"
              + " killed (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Mixin JsonOption output = new JsonOption();

  @Mixin QuietOption quiet = new QuietOption();
}
