package dev.pacha.packer;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates and bakes images with packer: the only code that runs packer. Progress goes to the
 * reporter as packer prints it; the result lists artifacts and errors. Failures of packer or of the
 * template come back as the result's outcome (see {@link ImageResult#requireOk()}); only a packer
 * that cannot run at all is thrown.
 */
public final class ImageService {
  private final Path packer;
  private final Map<String, String> env;
  private final Optional<Path> home;
  private final Reporter reporter;

  /**
   * @param packer the packer binary ({@link Packers#locate})
   * @param env packer's environment
   * @param home where pacha's jar lies, to find the .deb built with it ({@link
   *     Installation#home()})
   */
  public ImageService(
      Path packer, Map<String, String> env, Optional<Path> home, Reporter reporter) {
    this.packer = packer;
    this.env = env;
    this.home = home;
    this.reporter = reporter;
  }

  /** `packer validate`: is the template, with these variables, one packer accepts? */
  public ImageResult validate(ImageRequest request, Cancellation cancel) {
    return run("validate", request, cancel);
  }

  /** `packer validate`, then `packer build` when the template is valid. */
  public ImageResult bake(ImageRequest request, Cancellation cancel) {
    return run("bake", request, cancel);
  }

  private ImageResult run(String action, ImageRequest request, Cancellation cancel) {
    long start = System.nanoTime();
    long deadline =
        request.timeout().map(t -> start + t.toNanos()).orElse(start + Long.MAX_VALUE / 2);
    PackerArguments args = new PackerArguments(request, home);
    if (!request.vars().containsKey(PackerArguments.DEB) && args.deb().isEmpty()) {
      reporter.warn(
          "no pacha .deb found beside pacha; templates that install pacha need --deb FILE"
              + " (mvn package builds target/pacha.deb)");
    }
    Path dir = null;
    try {
      dir =
          Files.createTempDirectory(
              "pacha-packer-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path varFile = dir.resolve("pacha-generated.pkrvars.hcl");
      Files.writeString(varFile, PackerArguments.varFile(args.generated()), StandardCharsets.UTF_8);
      PackerRunner runner = new PackerRunner(env);

      if (!request.only().isEmpty()) {
        Optional<ImageResult.Failure> unmatched =
            unmatchedOnly(request, args, varFile, runner, cancel, deadline);
        if (unmatched.isPresent()) {
          return result(
              action, request, start, ImageResult.INVALID, 0, List.of(), List.of(unmatched.get()));
        }
      }
      reporter.step("Validating " + request.template());
      BuildEvents checked = new BuildEvents();
      PackerRunner.Run validation =
          runner.run(
              args.validate(packer, varFile),
              cancel,
              deadline,
              request.grace(),
              e -> {
                checked.accept(e);
                show(e);
              },
              this::stderr);
      if (validation.ending() != PackerRunner.Ending.EXITED) {
        return stopped(action, request, start, validation, List.of());
      }
      if (validation.exitCode() != 0) {
        return result(
            action,
            request,
            start,
            ImageResult.INVALID,
            validation.exitCode(),
            List.of(),
            templateErrors(checked, validation));
      }
      if (action.equals("validate")) {
        return result(action, request, start, ImageResult.OK, 0, List.of(), List.of());
      }

      reporter.step("Building " + request.template());
      BuildEvents built = new BuildEvents();
      PackerRunner.Run build =
          runner.run(
              args.build(packer, varFile),
              cancel,
              deadline,
              request.grace(),
              e -> {
                built.accept(e);
                show(e);
              },
              this::stderr);
      if (build.ending() != PackerRunner.Ending.EXITED || built.interrupted()) {
        return stopped(action, request, start, build, built.artifacts());
      }
      if (build.exitCode() == 0) {
        return result(action, request, start, ImageResult.OK, 0, built.artifacts(), List.of());
      }
      if (!built.buildErrors().isEmpty()) {
        return result(
            action,
            request,
            start,
            ImageResult.FAILED,
            build.exitCode(),
            built.artifacts(),
            built.buildErrors());
      }
      // No build ran: packer stopped at the template (something validate does not check).
      List<ImageResult.Failure> errors = templateErrors(built, build);
      return result(
          action,
          request,
          start,
          built.uiErrors().isEmpty() ? ImageResult.FAILED : ImageResult.INVALID,
          build.exitCode(),
          built.artifacts(),
          errors);
    } catch (IOException e) {
      throw PachaException.failed("cannot prepare the packer run: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /**
   * An --only that names no build of the template, with the names it has. Empty when all match, or
   * when inspect cannot tell (then packer's own handling stands).
   */
  private Optional<ImageResult.Failure> unmatchedOnly(
      ImageRequest request,
      PackerArguments args,
      Path varFile,
      PackerRunner runner,
      Cancellation cancel,
      long deadline) {
    StringBuilder text = new StringBuilder();
    PackerRunner.Run run =
        runner.run(
            args.inspect(packer, varFile),
            cancel,
            deadline,
            request.grace(),
            e -> {
              if (e instanceof PackerEvent.Ui ui) {
                text.append(ui.text()).append('\n');
              }
            },
            this::stderr);
    List<String> builds = BuildNames.parse(text.toString());
    if (run.exitCode() != 0 || builds.isEmpty()) {
      return Optional.empty();
    }
    for (String pattern : request.only()) {
      if (builds.stream().noneMatch(b -> BuildNames.matches(pattern, b))) {
        return Optional.of(
            new ImageResult.Failure(
                "",
                "--only "
                    + pattern
                    + " matches no build of the template; its builds are "
                    + String.join(", ", builds)
                    + " (globs work: *.amazon-ebs.debian)"));
      }
    }
    return Optional.empty();
  }

  private ImageResult stopped(
      String action,
      ImageRequest request,
      long start,
      PackerRunner.Run run,
      List<Artifact> artifacts) {
    String outcome =
        run.ending() == PackerRunner.Ending.TIMED_OUT
            ? ImageResult.TIMED_OUT
            : ImageResult.CANCELLED;
    return result(action, request, start, outcome, run.exitCode(), artifacts, List.of());
  }

  private static List<ImageResult.Failure> templateErrors(
      BuildEvents events, PackerRunner.Run run) {
    List<ImageResult.Failure> errors = new ArrayList<>();
    for (String e : events.uiErrors()) {
      errors.add(new ImageResult.Failure("", e.strip()));
    }
    if (errors.isEmpty()) {
      String tail = String.join("\n", run.stderr()).strip();
      errors.add(
          new ImageResult.Failure(
              "", "packer exited with " + run.exitCode() + (tail.isEmpty() ? "" : ": " + tail)));
    }
    return errors;
  }

  private static ImageResult result(
      String action,
      ImageRequest request,
      long start,
      String outcome,
      int exitCode,
      List<Artifact> artifacts,
      List<ImageResult.Failure> errors) {
    return new ImageResult(
        action,
        request.template().toString(),
        outcome,
        exitCode,
        (System.nanoTime() - start) / 1_000_000,
        artifacts,
        errors);
  }

  /** Packer's progress, as it prints it for a person. */
  private void show(PackerEvent event) {
    if (event instanceof PackerEvent.Ui ui) {
      String text = stripNewlines(ui.text());
      if (!text.isEmpty()) {
        reporter.step(text);
      }
    } else if (event instanceof PackerEvent.Unparsed raw) {
      reporter.step(raw.line());
    } else if (event instanceof PackerEvent.ArtifactCount c) {
      reporter.detail(c.target() + ": " + c.count() + " artifact(s)");
    }
  }

  private void stderr(String line) {
    reporter.detail("packer: " + line);
  }

  /** Packer frames some lines with blank ones ("\n==> Builds finished"); the console needs none. */
  static String stripNewlines(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == '\n' || s.charAt(from) == '\r')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == '\n' || s.charAt(to - 1) == '\r')) {
      to--;
    }
    return s.substring(from, to);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover temp dir with a var-file is harmless; the OS cleans /tmp.
    }
  }
}
