package dev.pacha.cli;

import dev.pacha.aws.Ec2Service;
import dev.pacha.aws.SecretsService;
import dev.pacha.config.AwsSettings;
import dev.pacha.config.NoConfigException;
import dev.pacha.config.PachaConfig;
import dev.pacha.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** pacha aws put-secrets | launch | find-image: replacement hosts on AWS. */
@Command(
    name = "aws",
    mixinStandardHelpOptions = true,
    description = {
      "Replacement hosts on AWS: secrets for first boot, instances, base images.",
      "Credentials and region come from the AWS SDK's chains (AWS_PROFILE,",
      "AWS_ACCESS_KEY_ID, AWS_REGION, the instance role); pacha.aws.region and",
      "pacha.aws.endpoint in the config override region and endpoint.",
      "Exit codes: 0 ok, 1 failed, 2 bad options, 3 AWS refused or unreachable."
    },
    subcommands = {
      AwsCommand.PutSecrets.class,
      AwsCommand.Launch.class,
      AwsCommand.FindImage.class
    })
final class AwsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(Cli.context(spec).err());
    return ExitCodes.USAGE;
  }

  /** The config's pacha.aws.* keys; the SDK's defaults when there is no config at all. */
  static AwsSettings settings(CommandSpec spec) {
    try {
      return Cli.config(spec).aws();
    } catch (NoConfigException e) {
      return AwsSettings.defaults();
    }
  }

  @Command(
      name = "put-secrets",
      mixinStandardHelpOptions = true,
      description = {
        "Store a host's key and config in SSM for its replacement's first boot.",
        "The key (--identity) and the config given with --config become SecureString",
        "parameters PREFIX/identity and PREFIX/config, tagged pacha:host=HOST, for",
        "`pacha cloud-init render --secrets ssm:PREFIX`. The key is never printed."
      })
  static final class PutSecrets implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--host",
        required = true,
        paramLabel = "HOST",
        description = "The host the secrets belong to.")
    String host;

    @Option(
        names = "--identity",
        required = true,
        paramLabel = "KEY",
        description = "The private key for the master (unencrypted).")
    Path identity;

    @Option(
        names = "--parameter-prefix",
        paramLabel = "PREFIX",
        description = "Parameter path, such as /pacha/bar. Default: /pacha/HOST.")
    String prefix;

    @Option(
        names = "--kms-key",
        paramLabel = "ID",
        description = "KMS key id, ARN or alias. Default: the account's key for SSM (aws/ssm).")
    String kmsKey;

    @Option(
        names = "--secrets-manager",
        description = "Store secrets PREFIX/identity and PREFIX/config in Secrets Manager instead.")
    boolean secretsManager;

    @Option(names = "--overwrite", description = "Replace values that are already stored.")
    boolean overwrite;

    @Mixin JsonOption output;

    @Override
    public Integer call() {
      if (kmsKey != null && kmsKey.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--kms-key is empty");
      }
      // The config that is stored is the one this run reads: --config, or found as usual.
      PachaConfig config = Cli.config(spec);
      SecretsService.Result r =
          new SecretsService(config.aws())
              .put(
                  new SecretsService.Request(
                      host,
                      identity,
                      config.source(),
                      prefix != null ? prefix : "/pacha/" + host,
                      Optional.ofNullable(kmsKey),
                      secretsManager
                          ? SecretsService.Store.SECRETS_MANAGER
                          : SecretsService.Store.SSM,
                      overwrite));
      PrintWriter out = Cli.context(spec).out();
      if (output.json) {
        out.println(Json.write(r));
        return ExitCodes.OK;
      }
      for (SecretsService.Stored s : r.stored()) {
        out.println(
            "Stored the "
                + (s.what().equals("identity") ? "key" : "config")
                + " of "
                + host
                + " in "
                + (secretsManager ? "Secrets Manager secret " : "SSM SecureString ")
                + s.name()
                + (s.tier().isEmpty()
                    ? ""
                    : " (" + s.tier() + " tier, version " + s.version() + ")"));
      }
      out.println(
          "Render user-data with: pacha cloud-init render --host "
              + host
              + " --secrets "
              + r.secrets()
              + " --known-hosts FILE -o user-data");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "launch",
      mixinStandardHelpOptions = true,
      description = {
        "Launch a replacement instance for a host; print its id.",
        "The user-data is the file `pacha cloud-init render` wrote, base64-encoded",
        "once as EC2 expects (at most 16,384 bytes). IMDSv2 is required; instance",
        "and volumes are tagged Name=HOST and pacha:host=HOST."
      })
  static final class Launch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--host",
        required = true,
        paramLabel = "HOST",
        description = "The host the instance becomes.")
    String host;

    @Option(names = "--image-id", paramLabel = "AMI", description = "The image to launch.")
    String imageId;

    @Option(
        names = "--image-tag",
        paramLabel = "KEY=VALUE",
        description =
            "Launch the newest image of this account with this tag, such as "
                + Ec2Service.DEFAULT_IMAGE_TAG
                + ".")
    String imageTag;

    @Option(
        names = "--user-data",
        required = true,
        paramLabel = "FILE",
        description = "The user-data file (as written by pacha cloud-init render).")
    Path userData;

    @Option(
        names = "--instance-type",
        paramLabel = "TYPE",
        defaultValue = "t3.micro",
        description = "Default: ${DEFAULT-VALUE} (match the image's architecture).")
    String instanceType;

    @Option(
        names = "--subnet",
        paramLabel = "ID",
        description = "subnet-…; default: the default VPC's.")
    String subnet;

    @Option(
        names = "--security-group",
        paramLabel = "ID",
        description = "sg-… (repeatable); default: the VPC's default group.")
    List<String> securityGroups = new ArrayList<>();

    @Option(
        names = "--instance-profile",
        paramLabel = "NAME|ARN",
        description = "The instance profile whose role may read the host's secrets.")
    String instanceProfile;

    @Option(names = "--wait", description = "Wait until the instance is running.")
    boolean waitRunning;

    @Option(
        names = "--wait-timeout",
        paramLabel = "DURATION",
        defaultValue = "5m",
        converter = DurationConverter.class,
        description = "How long --wait waits (90s, 5m, 1h). Default: ${DEFAULT-VALUE}.")
    Duration waitTimeout;

    @Mixin JsonOption output;

    @Override
    public Integer call() {
      if ((imageId == null) == (imageTag == null)) {
        throw new ParameterException(
            spec.commandLine(), "give either --image-id AMI or --image-tag KEY=VALUE");
      }
      check(imageId, "ami-", "--image-id");
      check(subnet, "subnet-", "--subnet");
      securityGroups.forEach(g -> check(g, "sg-", "--security-group"));
      if (!instanceType.matches("[a-z0-9-]+\\.[a-z0-9-]+")) {
        throw new ParameterException(
            spec.commandLine(), "--instance-type " + instanceType + " is not a type like t3.micro");
      }
      if (waitTimeout.isZero() || waitTimeout.isNegative()) {
        throw new ParameterException(spec.commandLine(), "--wait-timeout must be positive");
      }
      Ec2Service.LaunchRequest req =
          new Ec2Service.LaunchRequest(
              host,
              Optional.ofNullable(imageId),
              Optional.ofNullable(imageTag).map(t -> Ec2Service.ImageTag.parse("--image-tag", t)),
              userData,
              instanceType,
              Optional.ofNullable(subnet),
              List.copyOf(securityGroups),
              Optional.ofNullable(instanceProfile),
              waitRunning,
              waitTimeout);
      Cli.Context ctx = Cli.context(spec);
      // Steps only for a person at a terminal: `id=$(pacha aws launch …)` gets the id line alone.
      ConsoleReporter reporter = ConsoleReporter.of(spec, output.json || !ctx.terminal());
      Ec2Service.Launched l = new Ec2Service(settings(spec)).launch(req, reporter);
      if (output.json) {
        ctx.out().println(Json.write(l));
      } else {
        ctx.out()
            .println(
                l.instanceId()
                    + " "
                    + l.state()
                    + (l.privateIpAddress() == null ? "" : " " + l.privateIpAddress()));
      }
      return ExitCodes.OK;
    }

    private void check(String value, String prefix, String option) {
      if (value != null && !value.matches(prefix + "[0-9a-f]+")) {
        throw new ParameterException(
            spec.commandLine(), option + " " + value + " is not an id like " + prefix + "0abc123");
      }
    }
  }

  @Command(
      name = "find-image",
      mixinStandardHelpOptions = true,
      description = {
        "Print the newest base image: id, name, creation date.",
        "The newest (by creation date) available image owned by this account with",
        "the tag, as `pacha image bake` tags it."
      })
  static final class FindImage implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--tag",
        paramLabel = "KEY=VALUE",
        defaultValue = Ec2Service.DEFAULT_IMAGE_TAG,
        description = "Default: ${DEFAULT-VALUE}.")
    String tag;

    @Mixin JsonOption output;

    @Override
    public Integer call() {
      Ec2Service.ImageTag t = Ec2Service.ImageTag.parse("--tag", tag);
      Optional<Ec2Service.ImageInfo> image = new Ec2Service(settings(spec)).findImage(t);
      PrintWriter out = Cli.context(spec).out();
      if (image.isEmpty()) {
        Cli.context(spec)
            .err()
            .println(
                "pacha: no available image owned by this account is tagged "
                    + t
                    + "; bake one with `pacha image bake`");
        return ExitCodes.FAILED;
      }
      Ec2Service.ImageInfo i = image.get();
      if (output.json) {
        out.println(Json.write(i));
      } else {
        out.println(i.imageId() + " " + i.name() + " " + i.creationDate());
      }
      return ExitCodes.OK;
    }
  }
}
