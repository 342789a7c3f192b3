package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.cloudinit.UserData;
import dev.pacha.cloudinit.UserDataRequest;
import dev.pacha.cloudinit.UserDataService;
import dev.pacha.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** pacha cloud-init render: user-data that makes a fresh instance rebuild a host at first boot. */
@Command(
    name = "cloud-init",
    mixinStandardHelpOptions = true,
    description = "cloud-init user-data for replacement hosts.",
    subcommands = {CloudInitCommand.Render.class})
final class CloudInitCommand {

  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description = {
        "Render user-data for a replacement of HOST: pacha's config, the master's pinned host key,",
        "the key for the master (or with --secrets only where to fetch it), and a per-instance",
        "script that starts the first-boot rebuild runner. Checked: valid YAML, EC2's 16,384-byte limit.",
        "The config carried is the one given with --config (pacha.hostname is set to HOST)."
      })
  static final class Render implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--host",
        required = true,
        paramLabel = "HOST",
        description = "The host the instance becomes.")
    String host;

    @Option(
        names = "--identity",
        paramLabel = "KEY",
        description = "Private key for the master; written 0600 on the instance.")
    Path identity;

    @Option(
        names = "--known-hosts",
        required = true,
        paramLabel = "FILE",
        description = "The master's host key line(s), pinned on the instance.")
    Path knownHosts;

    @Option(
        names = "--secrets",
        paramLabel = "WHERE",
        description =
            "Instead of --identity: ssm:/pacha/HOST; the instance fetches the key at boot with its role.")
    String secrets;

    @Option(
        names = "--install",
        paramLabel = "baked|URL",
        defaultValue = "baked",
        description =
            "baked (the image has pacha) or the http(s) URL of the pacha .deb to install at boot. Default: ${DEFAULT-VALUE}.")
    String install;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        defaultValue = "cloud-config",
        description = "cloud-config or mime. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
        names = "--gzip",
        negatable = true,
        description = "Gzip the user-data (default: only when over 16,384 bytes; --no-gzip never).")
    Boolean gzip;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the user-data (0600 when it holds a key).")
    Path output;

    @Option(
        names = "--root-prefix",
        hidden = true,
        defaultValue = "",
        description = "Prefix every path written (tests apply user-data into a scratch root).")
    String rootPrefix;

    @Mixin JsonOption printed;

    @Override
    public Integer call() {
      UserDataRequest.Format f =
          switch (format) {
            case "cloud-config" -> UserDataRequest.Format.CLOUD_CONFIG;
            case "mime" -> UserDataRequest.Format.MIME;
            default ->
                throw new ParameterException(
                    spec.commandLine(), "--format " + format + ": use cloud-config or mime");
          };
      if (!rootPrefix.isEmpty() && !rootPrefix.startsWith("/")) {
        throw new ParameterException(spec.commandLine(), "--root-prefix must be absolute");
      }
      // The config to carry is the one given with --config (or found as usual).
      Path config = Cli.config(spec).source();
      UserDataRequest req =
          new UserDataRequest(
              host,
              config,
              Optional.ofNullable(identity),
              knownHosts,
              Optional.ofNullable(secrets),
              install.equals("baked") ? Optional.empty() : Optional.of(install),
              f,
              gzip == null
                  ? UserDataRequest.Gzip.AUTO
                  : gzip ? UserDataRequest.Gzip.ALWAYS : UserDataRequest.Gzip.NEVER,
              rootPrefix.endsWith("/")
                  ? rootPrefix.substring(0, rootPrefix.length() - 1)
                  : rootPrefix);
      UserData data = new UserDataService().render(req);
      write(output, data.bytes(), data.holdsPrivateKey());
      Cli.Context ctx = Cli.context(spec);
      if (printed.json) {
        ctx.out()
            .println(
                Json.write(
                    Map.of(
                        "output", output.toAbsolutePath().toString(),
                        "bytes", data.bytes().length,
                        "plainBytes", data.plainSize(),
                        "gzipped", data.gzipped(),
                        "holdsPrivateKey", data.holdsPrivateKey())));
      } else {
        ctx.out()
            .println(
                "Wrote user-data for "
                    + host
                    + " to "
                    + output
                    + ": "
                    + data.bytes().length
                    + " bytes"
                    + (data.gzipped() ? " (gzipped from " + data.plainSize() + ")" : "")
                    + " of EC2's "
                    + UserData.EC2_LIMIT
                    + (data.holdsPrivateKey()
                        ? "; it holds the private key, so the file is 0600"
                        : ""));
      }
      return ExitCodes.OK;
    }

    /** Writes atomically; 0600 from the start when the data holds a key. */
    private static void write(Path out, byte[] bytes, boolean secret) {
      try {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp =
            Files.createTempFile(
                dir,
                "." + out.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        if (!secret) {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw PachaException.failed("cannot write " + out + ": " + e.getMessage(), e);
      }
    }
  }
}
