package dev.pacha.cloudinit;

import dev.pacha.PachaException;
import dev.pacha.config.ConfigLoader;
import dev.pacha.render.Templates;
import dev.pacha.store.HostNames;
import dev.pacha.transport.PrivateKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Renders cloud-init user-data that makes a fresh instance rebuild a host: pacha's config, the
 * master's pinned host key, the key for the master (or, in secrets mode, only where to fetch it),
 * and a per-instance script that starts the first-boot runner. Checks the result before anyone
 * boots with it: valid YAML that says exactly what was meant, within EC2's size limit.
 */
public final class UserDataService {
  /** Where the files go on the instance. */
  public static final String CONFIG = "/etc/pacha/pacha.conf";

  public static final String IDENTITY = "/etc/pacha/id_master";
  public static final String KNOWN_HOSTS = "/etc/pacha/known_hosts";

  /** cloud-init runs the scripts here once per instance, in its final stage. */
  public static final String START_SCRIPT =
      "/var/lib/cloud/scripts/per-instance/pacha-firstboot.sh";

  private static final Pattern OVERRIDDEN =
      Pattern.compile(
          "^\\s*(pacha\\.hostname|pacha\\.ssh\\.identity|pacha\\.ssh\\.known_hosts|pacha\\.boot\\.secrets)\\s*[=:].*$");

  /** One file the user-data writes. */
  public record FileSpec(String path, String owner, String permissions, String content) {}

  public UserData render(UserDataRequest req) {
    HostNames.check(req.host());
    if (req.secrets().isPresent() == req.identity().isPresent()) {
      throw PachaException.usage(
          "give either --identity KEY (the key travels in the user-data) or --secrets"
              + " ssm:/path (the instance fetches it at boot), not both and not neither");
    }
    req.secrets()
        .filter(s -> !ConfigLoader.SECRETS.matcher(s).matches())
        .ifPresent(
            s -> {
              throw PachaException.usage(
                  "--secrets "
                      + s
                      + " is not a parameter name; use ssm:/pacha/HOST or"
                      + " secretsmanager:NAME");
            });
    req.installUrl()
        .filter(u -> !u.matches("https?://[^\\s'\"]+"))
        .ifPresent(
            u -> {
              throw PachaException.usage(
                  "--install " + u + " is neither 'baked' nor an http(s) URL of the pacha .deb");
            });

    List<FileSpec> files = new ArrayList<>();
    files.add(new FileSpec(req.root() + CONFIG, "root:root", "0644", config(req)));
    files.add(
        new FileSpec(req.root() + KNOWN_HOSTS, "root:root", "0644", knownHosts(req.knownHosts())));
    boolean holdsKey = false;
    if (req.identity().isPresent()) {
      files.add(
          new FileSpec(
              req.root() + IDENTITY, "root:root", "0600", privateKey(req.identity().get())));
      holdsKey = true;
    }
    String start = startScript(req);
    if (req.format() == UserDataRequest.Format.CLOUD_CONFIG) {
      files.add(new FileSpec(req.root() + START_SCRIPT, "root:root", "0755", start));
    }
    String cloudConfig = cloudConfig(req, files);
    UserDataCheck.check(cloudConfig, files);
    String text =
        req.format() == UserDataRequest.Format.MIME ? mime(cloudConfig, start) : cloudConfig;
    byte[] plain = text.getBytes(StandardCharsets.UTF_8);
    boolean gzip =
        req.gzip() == UserDataRequest.Gzip.ALWAYS
            || (req.gzip() == UserDataRequest.Gzip.AUTO && plain.length > UserData.EC2_LIMIT);
    byte[] bytes = gzip ? gzip(plain) : plain;
    if (bytes.length > UserData.EC2_LIMIT) {
      throw PachaException.usage(
          "the user-data is "
              + bytes.length
              + " bytes"
              + (gzip ? " gzipped" : "")
              + ", over EC2's limit of "
              + UserData.EC2_LIMIT
              + " bytes; "
              + (gzip ? "keep the key in SSM (--secrets) or trim the config" : "allow --gzip"));
    }
    return new UserData(bytes, plain.length, gzip, holdsKey);
  }

  private String cloudConfig(UserDataRequest req, List<FileSpec> files) {
    List<Map<String, Object>> model = new ArrayList<>();
    for (FileSpec f : files) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", f.path());
      m.put("owner", f.owner());
      m.put("permissions", f.permissions());
      boolean literal = literalSafe(f.content());
      m.put("literal", literal);
      if (literal) {
        m.put("indented", indent(f.content()));
      } else {
        m.put(
            "b64",
            Base64.getEncoder().encodeToString(f.content().getBytes(StandardCharsets.UTF_8)));
      }
      model.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put(
        "comment",
        "pacha user-data for host "
            + req.host()
            + (req.secrets().isPresent() ? " (secrets mode: the key is fetched at boot)" : ""));
    root.put("files", model);
    return Templates.render("cloud-config.yaml.ftl", root);
  }

  private String startScript(UserDataRequest req) {
    Map<String, Object> m = new LinkedHashMap<>();
    req.installUrl().ifPresent(u -> m.put("installUrl", u));
    return Templates.render("start-runner.sh.ftl", m);
  }

  private static String mime(String cloudConfig, String start) {
    Map<String, Object> m = new LinkedHashMap<>();
    // A fixed boundary keeps renders reproducible; it cannot occur in the parts (checked).
    String boundary = "===============pacha-user-data-boundary==";
    if (cloudConfig.contains(boundary) || start.contains(boundary)) {
      throw new IllegalStateException("the MIME boundary occurs in a part");
    }
    m.put("boundary", boundary);
    m.put("cloudConfig", cloudConfig.stripTrailing());
    m.put("startScript", start.stripTrailing());
    return Templates.render("user-data.mime.ftl", m);
  }

  /** The operator's config, with the keys the instance needs set by pacha. */
  private static String config(UserDataRequest req) {
    String text = readText(req.config(), "--config");
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!OVERRIDDEN.matcher(line).matches()) {
        out.append(line).append('\n');
      }
    }
    while (out.length() > 1
        && out.charAt(out.length() - 1) == '\n'
        && out.charAt(out.length() - 2) == '\n') {
      out.setLength(out.length() - 1);
    }
    out.append("\n# Set by pacha cloud-init render: the instance becomes ")
        .append(req.host())
        .append('\n');
    out.append("pacha.hostname = ").append(req.host()).append('\n');
    out.append("pacha.ssh.identity = ").append(req.root()).append(IDENTITY).append('\n');
    out.append("pacha.ssh.known_hosts = ").append(req.root()).append(KNOWN_HOSTS).append('\n');
    req.secrets().ifPresent(s -> out.append("pacha.boot.secrets = ").append(s).append('\n'));
    String result = out.toString();
    checkConfig(req.config(), result);
    return result;
  }

  /** The rewritten config must still be a valid pacha config naming a master. */
  private static void checkConfig(Path source, String text) {
    try {
      Path tmp = Files.createTempFile("pacha-userdata-", ".conf");
      try {
        Files.writeString(tmp, text);
        ConfigLoader.read(tmp, "--config " + source, Map.of("HOME", "/root")).requireMaster();
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot check the config: " + e.getMessage(), e);
    }
  }

  private static String knownHosts(Path file) {
    String text = readText(file, "--known-hosts");
    boolean any = false;
    for (String line : text.split("\n")) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.split("\\s+").length < 3) {
        throw PachaException.usage(
            "--known-hosts "
                + file
                + " has a line that is not 'host keytype key': "
                + abbreviate(l));
      }
      any = true;
    }
    if (!any) {
      throw PachaException.usage(
          "--known-hosts " + file + " pins no key; add the master's (ssh-keyscan -p PORT MASTER)");
    }
    return text.endsWith("\n") ? text : text + "\n";
  }

  private static String privateKey(Path file) {
    String text = readText(file, "--identity");
    if (!text.contains("PRIVATE KEY-----")) {
      throw PachaException.usage(
          "--identity " + file + " is not a private key (no '-----BEGIN ... PRIVATE KEY-----')");
    }
    // OpenSSH's own key format names its cipher inside the base64, with no ENCRYPTED marker.
    if (PrivateKeys.passphraseProtected(text.getBytes(StandardCharsets.UTF_8))) {
      throw PachaException.usage(
          "--identity " + file + " is protected by a passphrase; first boot has nobody to type it");
    }
    return text.endsWith("\n") ? text : text + "\n";
  }

  private static String readText(Path file, String option) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw PachaException.usage(option + " " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw PachaException.usage(option + " " + file + " is not readable by this user");
    } catch (MalformedInputException e) {
      throw PachaException.usage(option + " " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw PachaException.usage("cannot read " + option + " " + file + ": " + e.getMessage());
    }
  }

  /**
   * Whether a YAML literal block keeps this text exactly: one final newline, no carriage returns or
   * other control characters, and a first line that does not start with a space.
   */
  static boolean literalSafe(String s) {
    if (s.isEmpty() || !s.endsWith("\n") || s.endsWith("\n\n") || s.startsWith(" ")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c == '\uFEFF') {
        return false;
      }
    }
    return true;
  }

  private static String indent(String s) {
    StringBuilder sb = new StringBuilder();
    String[] lines = s.substring(0, s.length() - 1).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        sb.append('\n');
      }
      if (!lines[i].isEmpty()) {
        sb.append("      ").append(lines[i]);
      }
    }
    return sb.toString();
  }

  private static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
