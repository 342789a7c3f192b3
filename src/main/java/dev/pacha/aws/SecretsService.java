package dev.pacha.aws;

import dev.pacha.PachaException;
import dev.pacha.config.AwsSettings;
import dev.pacha.store.HostNames;
import dev.pacha.transport.PrivateKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterResponse;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;

/**
 * {@code pacha aws put-secrets}: stores a host's key for the master and its config where a
 * replacement instance fetches them at first boot with its own role, so user-data carries only
 * their names. Values never appear in results, messages or logs.
 */
public final class SecretsService {
  /** The tag that says which host a parameter or secret belongs to. */
  public static final String HOST_TAG = "pacha:host";

  /** SSM's value limits: 4 KB in the standard tier, 8 KB in the (charged) advanced tier. */
  static final int SSM_STANDARD_LIMIT = 4096;

  static final int SSM_ADVANCED_LIMIT = 8192;

  /** Secrets Manager's limit for a secret's value. */
  static final int SECRETS_MANAGER_LIMIT = 65536;

  /** SSM parameter paths (and Secrets Manager names, which allow a superset): /a/b/c. */
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  /** SSM allows at most 15 levels in a parameter's path. */
  private static final int MAX_DEPTH = 15;

  /** Where to store. */
  public enum Store {
    SSM,
    SECRETS_MANAGER
  }

  /**
   * What to store.
   *
   * @param host the host the secrets belong to (tagged pacha:host)
   * @param identity the private key for the master
   * @param config the pacha config
   * @param prefix the parameter path: the key goes to PREFIX/identity, the config to PREFIX/config
   * @param kmsKey a KMS key id, ARN or alias; empty for the account's default key
   * @param overwrite replace values that are already there
   */
  public record Request(
      String host,
      Path identity,
      Path config,
      String prefix,
      Optional<String> kmsKey,
      Store store,
      boolean overwrite) {}

  /**
   * One stored value.
   *
   * @param what "identity" or "config"
   * @param name the parameter's or secret's name
   * @param version the new version (SSM: a number; Secrets Manager: a version id)
   * @param tier SSM's tier (Standard or Advanced); empty for Secrets Manager
   */
  public record Stored(String what, String name, String version, String tier) {}

  /**
   * What was stored.
   *
   * @param secrets the value for {@code pacha cloud-init render --secrets} (pacha.boot.secrets)
   */
  public record Result(String host, String store, List<Stored> stored, String secrets) {}

  private final AwsSettings settings;

  public SecretsService(AwsSettings settings) {
    this.settings = settings;
  }

  public Result put(Request req) {
    HostNames.check(req.host());
    String prefix = prefix(req.prefix(), req.store());
    String key = readKey(req.identity());
    String config = readText(req.config(), "--config");
    int limit = req.store() == Store.SSM ? SSM_ADVANCED_LIMIT : SECRETS_MANAGER_LIMIT;
    for (String[] v : new String[][] {{"--identity", key}, {"--config", config}}) {
      int size = v[1].getBytes(StandardCharsets.UTF_8).length;
      if (size > limit) {
        throw PachaException.usage(
            v[0]
                + " is "
                + size
                + " bytes, over the limit of "
                + limit
                + " bytes of "
                + where(req));
      }
    }
    List<Stored> stored = new ArrayList<>();
    if (req.store() == Store.SSM) {
      try (SsmClient ssm = AwsClients.ssm(settings)) {
        stored.add(putParameter(ssm, req, prefix + "/identity", "identity", key));
        stored.add(putParameter(ssm, req, prefix + "/config", "config", config));
      } catch (SdkException e) {
        throw AwsErrors.unreachable("open SSM", e);
      }
      return new Result(req.host(), "ssm", stored, "ssm:" + prefix);
    }
    try (SecretsManagerClient sm = AwsClients.secretsManager(settings)) {
      stored.add(putSecret(sm, req, prefix + "/identity", "identity", key));
      stored.add(putSecret(sm, req, prefix + "/config", "config", config));
    } catch (SdkException e) {
      throw AwsErrors.unreachable("open Secrets Manager", e);
    }
    return new Result(
        req.host(), "secretsmanager", stored, "secretsmanager:" + prefix + "/identity");
  }

  private static String where(Request req) {
    return req.store() == Store.SSM ? "an SSM parameter" : "a Secrets Manager secret";
  }

  /**
   * Tags cannot be given with Overwrite (PutParameter refuses the pair), so a replaced parameter is
   * tagged in a second call.
   */
  private Stored putParameter(SsmClient ssm, Request req, String name, String what, String value) {
    int size = value.getBytes(StandardCharsets.UTF_8).length;
    String description = "pacha: " + what + " of host " + req.host() + " (pacha aws put-secrets)";
    software.amazon.awssdk.services.ssm.model.Tag tag =
        software.amazon.awssdk.services.ssm.model.Tag.builder()
            .key(HOST_TAG)
            .value(req.host())
            .build();
    PutParameterResponse r;
    try {
      r =
          ssm.putParameter(
              b -> {
                b.name(name)
                    .type(ParameterType.SECURE_STRING)
                    .value(value)
                    .description(description);
                req.kmsKey().ifPresent(b::keyId);
                if (size > SSM_STANDARD_LIMIT) {
                  b.tier(ParameterTier.ADVANCED);
                }
                if (req.overwrite()) {
                  b.overwrite(true);
                } else {
                  b.tags(tag);
                }
              });
      if (req.overwrite()) {
        ssm.addTagsToResource(
            b -> b.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name).tags(tag));
      }
    } catch (SdkException e) {
      throw AwsErrors.unreachable("store ssm:" + name, e);
    }
    return new Stored(
        what,
        name,
        String.valueOf(r.version()),
        r.tier() == null ? ParameterTier.STANDARD.toString() : r.tierAsString());
  }

  private Stored putSecret(
      SecretsManagerClient sm, Request req, String name, String what, String value) {
    String description = "pacha: " + what + " of host " + req.host() + " (pacha aws put-secrets)";
    software.amazon.awssdk.services.secretsmanager.model.Tag tag =
        software.amazon.awssdk.services.secretsmanager.model.Tag.builder()
            .key(HOST_TAG)
            .value(req.host())
            .build();
    try {
      try {
        CreateSecretResponse r =
            sm.createSecret(
                b -> {
                  b.name(name).secretString(value).description(description).tags(tag);
                  req.kmsKey().ifPresent(b::kmsKeyId);
                });
        return new Stored(what, name, r.versionId(), "");
      } catch (ResourceExistsException e) {
        if (!req.overwrite()) {
          throw e;
        }
      }
      UpdateSecretResponse r =
          sm.updateSecret(
              b -> {
                b.secretId(name).secretString(value).description(description);
                req.kmsKey().ifPresent(b::kmsKeyId);
              });
      sm.tagResource(b -> b.secretId(name).tags(tag));
      return new Stored(what, name, r.versionId(), "");
    } catch (SdkException e) {
      throw AwsErrors.unreachable("store secretsmanager:" + name, e);
    }
  }

  /** The prefix without a trailing '/', or a usage error saying what a name may be. */
  static String prefix(String prefix, Store store) {
    String p =
        prefix.length() > 1 && prefix.endsWith("/")
            ? prefix.substring(0, prefix.length() - 1)
            : prefix;
    if (!PREFIX.matcher(p).matches()) {
      throw PachaException.usage(
          "--parameter-prefix "
              + prefix
              + " is not a parameter path: use /NAME/NAME with letters, digits, '_', '.' and '-',"
              + " such as /pacha/bar");
    }
    String first = p.substring(1).toLowerCase(Locale.ROOT);
    if (store == Store.SSM && (first.startsWith("aws") || first.startsWith("ssm"))) {
      throw PachaException.usage(
          "--parameter-prefix " + prefix + ": SSM reserves names that begin with aws or ssm");
    }
    if (p.split("/").length - 1 >= MAX_DEPTH) {
      throw PachaException.usage(
          "--parameter-prefix " + prefix + " is too deep: SSM allows " + MAX_DEPTH + " levels");
    }
    return p;
  }

  private static String readKey(Path file) {
    String text = readText(file, "--identity");
    PrivateKeys.problem(text.getBytes(StandardCharsets.UTF_8))
        .ifPresent(
            why -> {
              throw PachaException.usage("--identity " + file + " " + why);
            });
    return text;
  }

  private static String readText(Path file, String option) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw PachaException.usage(option + " " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw PachaException.usage(option + " " + file + " is not readable by this user");
    } catch (IOException e) {
      throw PachaException.usage("cannot read " + option + " " + file + ": " + e.getMessage());
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      // A parameter or secret string holds text only.
      throw PachaException.usage(option + " " + file + " is not UTF-8 text");
    }
  }
}
