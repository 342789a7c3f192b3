package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import dev.pacha.packer.Artifact;
import dev.pacha.packer.Cancellation;
import dev.pacha.packer.ImageRequest;
import dev.pacha.packer.ImageResult;
import dev.pacha.packer.ImageService;
import dev.pacha.packer.Installation;
import dev.pacha.packer.PackerArguments;
import dev.pacha.packer.Packers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** pacha image validate|bake: the pacha base image, through packer. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = {
      "Bake a pacha-ready base image with packer (templates in packer/).",
      "  validate  check a template and its variables (packer validate)",
      "  bake      validate, then build the image (packer build)",
      "Exit codes: 0 ok, 1 a build or provisioner failed or --timeout passed,",
      "2 bad options or a template packer rejects, 7 packer is not installed,",
      "130 interrupted (packer was stopped and cleaned up)."
    },
    subcommands = {ImageCommand.Validate.class, ImageCommand.Bake.class})
final class ImageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(Cli.context(spec).err());
    return ExitCodes.USAGE;
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Check a template and its variables with packer validate.")
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ImageOptions options;

    @Override
    public Integer call() {
      return run(spec, options, false);
    }
  }

  @Command(
      name = "bake",
      mixinStandardHelpOptions = true,
      description = {
        "Validate a template, then build it with packer; packer's progress streams as it runs.",
        "Ctrl-C (or --timeout) stops packer gracefully: it gets --grace to clean up",
        "(terminate its build instance), then what is left of it is killed."
      })
  static final class Bake implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ImageOptions options;

    @Override
    public Integer call() {
      return run(spec, options, true);
    }
  }

  static int run(CommandSpec spec, ImageOptions o, boolean bake) {
    check(spec, o);
    Cli.Context ctx = Cli.context(spec);
    Optional<Path> home = Installation.home();
    Path template =
        Optional.ofNullable(o.template)
            .or(() -> home.flatMap(Installation::templates))
            .orElseThrow(
                () ->
                    PachaException.usage(
                        "no packer templates came with this pacha; name a template file or"
                            + " directory: pacha image "
                            + (bake ? "bake" : "validate")
                            + " DIR"));
    Path packer = Packers.locate(Optional.ofNullable(o.packer), ctx.env().get("PATH"));
    // With --json, stdout carries only the JSON: packer's progress goes to stderr.
    Cli.Context shown =
        o.output.json
            ? new Cli.Context(ctx.env(), ctx.err(), ctx.err(), ctx.in(), ctx.terminal())
            : ctx;
    ConsoleReporter reporter = ConsoleReporter.of(spec, shown, o.quiet.quiet);
    ImageService service = new ImageService(packer, ctx.env(), home, reporter);
    ImageRequest request =
        new ImageRequest(
            template,
            o.vars,
            o.varFiles,
            o.only,
            Optional.ofNullable(o.deb),
            Optional.ofNullable(o.timeout),
            o.grace);

    // Ctrl-C: the JVM runs shutdown hooks; ours asks the run to stop packer and waits until the
    // result has been printed, so the JVM does not exit under packer's clean-up.
    Cancellation cancel = new Cancellation();
    CountDownLatch printed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cancel.cancel();
              try {
                printed.await(o.grace.toSeconds() + 30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pacha-image-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ImageResult result = bake ? service.bake(request, cancel) : service.validate(request, cancel);
      if (o.output.json) {
        ctx.out().println(Json.write(result));
      } else if (result.ok() && !o.quiet.quiet) {
        print(ctx.out(), result);
      }
      result.requireOk();
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      if (!cancel.isCancelled()) {
        throw e;
      }
      // The JVM is exiting (exit status 130): report now, while the hook still holds it.
      return Cli.report(e, ctx.err(), Cli.root(spec).global.stacktrace);
    } finally {
      ctx.out().flush();
      ctx.err().flush();
      printed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down: the hook is running and has just been released.
      }
    }
  }

  /** Option combinations and inputs that packer would only reject later and less clearly. */
  private static void check(CommandSpec spec, ImageOptions o) {
    for (String name : o.vars.keySet()) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
        throw new ParameterException(
            spec.commandLine(), "--var " + name + "=...: not a variable name");
      }
    }
    for (Path f : o.varFiles) {
      if (!Files.isRegularFile(f)) {
        throw new ParameterException(spec.commandLine(), "--var-file " + f + ": no such file");
      }
    }
    if (o.deb != null && !Files.isRegularFile(o.deb)) {
      throw new ParameterException(spec.commandLine(), "--deb " + o.deb + ": no such file");
    }
    if (o.template != null && !Files.exists(o.template)) {
      throw new ParameterException(
          spec.commandLine(), "template " + o.template + ": no such file or directory");
    }
    if (o.timeout != null && o.timeout.isZero()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be more than 0");
    }
    if (o.deb != null && o.vars.containsKey(PackerArguments.DEB)) {
      throw new ParameterException(
          spec.commandLine(), "give the .deb once: --deb or --var pacha_deb, not both");
    }
  }

  private static void print(PrintWriter out, ImageResult r) {
    String took = String.format(Locale.ROOT, "%.1f s", r.durationMillis() / 1000.0);
    if (r.action().equals("validate")) {
      out.println("The template " + r.template() + " is valid (" + took + ")");
      return;
    }
    out.println(
        "Baked "
            + r.artifacts().size()
            + (r.artifacts().size() == 1 ? " artifact" : " artifacts")
            + " in "
            + took
            + ":");
    for (Artifact a : r.artifacts()) {
      out.println("  " + a.build() + ": " + a.id() + " (" + a.builderId() + ")");
      a.files().forEach(f -> out.println("    " + f));
    }
  }
}
