package dev.pacha.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.SubnodeConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Finds and reads the INI configuration. The only user of Apache Commons Configuration.
 *
 * <p>Lookup order: {@code --config FILE}, then {@code PACHA_CONFIG}, then the path stored by {@code
 * --add-config}, then /etc/pacha/pacha.conf.
 */
public final class ConfigLoader {
  /** The system-wide config file, last in the lookup order. */
  public static final Path SYSTEM_CONFIG = Path.of("/etc/pacha/pacha.conf");

  private static final String CONFIG_POINTER = "config-path";
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /**
   * pacha.boot.secrets: an SSM parameter path (SSM wants a leading '/' on any name with a '/' in
   * it, and the key lies under it) or a Secrets Manager secret name.
   */
  public static final Pattern SECRETS =
      Pattern.compile("ssm:/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?|secretsmanager:[A-Za-z0-9_./-]+");

  /** Every key pacha knows, with its default as shown by --config-values. */
  public static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("pacha.frequency", "60");
    KEYS.put("pacha.master", "False");
    KEYS.put("pacha.host", "");
    KEYS.put("pacha.ssh.port", "22");
    KEYS.put("pacha.ssh.user", "(the current user)");
    KEYS.put("pacha.hosts.path", "/opt/pacha/hosts");
    KEYS.put("pacha.log.enable", "False");
    KEYS.put("pacha.log.path", "/var/log/pacha.log");
    KEYS.put("pacha.log.level", "DEBUG");
    KEYS.put("pacha.log.format", "%(asctime)s %(levelname)s %(name)s %(message)s");
    KEYS.put("pacha.log.datefmt", "%H:%M:%S");
    KEYS.put("pacha.hostname", "(the system hostname)");
    KEYS.put("pacha.ssh.identity", "~/.ssh/id_ed25519, then ~/.ssh/id_rsa");
    KEYS.put("pacha.ssh.known_hosts", "~/.ssh/known_hosts");
    KEYS.put("pacha.ssh.host_key_checking", "yes");
    KEYS.put("pacha.ssh.client", "openssh when an ssh program is on PATH, else builtin");
    KEYS.put("pacha.ssh.config", "(ssh's own: ~/.ssh/config, /etc/ssh/ssh_config)");
    KEYS.put("pacha.master.url", "(built from pacha.host, pacha.ssh.*, pacha.hosts.path)");
    KEYS.put("pacha.s3.endpoint", "(AWS)");
    KEYS.put("pacha.s3.region", "(the AWS SDK's default region chain)");
    KEYS.put("pacha.s3.path_style", "False");
    KEYS.put("pacha.aws.endpoint", "(AWS)");
    KEYS.put("pacha.aws.region", "(the AWS SDK's default region chain)");
    KEYS.put("pacha.state.dir", "/var/lib/pacha (root) or ~/.local/state/pacha");
    KEYS.put("pacha.rebuild.staging", "<state dir>/staging");
    KEYS.put("pacha.rebuild.backups", "<state dir>/backups");
    KEYS.put("pacha.rebuild.missing_owner", "skip");
    KEYS.put("pacha.hooks.timeout", "300");
    KEYS.put("pacha.boot.secrets", "(none: the key is in the image or user-data)");
    KEYS.put("pacha.boot.deadline", "600");
    KEYS.put("pacha.boot.on_failure", "degrade");
    KEYS.put("pacha.serve.port", "2222");
    KEYS.put("pacha.serve.bind", "0.0.0.0");
    KEYS.put("pacha.serve.admin_keys", "(none)");
    KEYS.put("pacha.serve.host_key", "<hosts path>/.pacha-master/host_key");
    KEYS.put("pacha.serve.max_startups", "100");
    KEYS.put("pacha.serve.max_startups_per_source", "20");
    KEYS.put("pacha.serve.login_grace_time", "60");
    KEYS.put("pacha.serve.idle_timeout", "600");
    KEYS.put("pacha.serve.max_sessions", "10");
  }

  private ConfigLoader() {}

  /**
   * The state directory used before any config is read (for the --add-config pointer) and as the
   * default of pacha.state.dir: {@code PACHA_STATE_DIR}, else /var/lib/pacha for root, else
   * ~/.local/state/pacha.
   */
  public static Path defaultStateDir(Map<String, String> env) {
    String override = env.get("PACHA_STATE_DIR");
    if (override != null && !override.isBlank()) {
      return Path.of(override).toAbsolutePath();
    }
    if (isRoot()) {
      return Path.of("/var/lib/pacha");
    }
    return home(env).resolve(".local/state/pacha");
  }

  /** Finds the config file in lookup order and reads it. */
  public static PachaConfig load(Optional<Path> cliConfig, Map<String, String> env) {
    return load(cliConfig, env, SYSTEM_CONFIG);
  }

  /** {@link #load(Optional, Map)} with another system config path, so tests never read /etc. */
  static PachaConfig load(Optional<Path> cliConfig, Map<String, String> env, Path systemConfig) {
    if (cliConfig.isPresent()) {
      return read(cliConfig.get(), "--config", env);
    }
    String fromEnv = env.get("PACHA_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return read(Path.of(fromEnv), "PACHA_CONFIG", env);
    }
    List<Path> searched = new ArrayList<>();
    Path pointer = defaultStateDir(env).resolve(CONFIG_POINTER);
    searched.add(pointer);
    if (Files.isRegularFile(pointer)) {
      try {
        Path stored = Path.of(Files.readString(pointer, StandardCharsets.UTF_8).trim());
        return read(stored, "the path stored by --add-config (" + pointer + ")", env);
      } catch (IOException e) {
        throw new ConfigException("cannot read " + pointer + ": " + e.getMessage());
      }
    }
    searched.add(systemConfig);
    if (Files.exists(systemConfig)) {
      return read(systemConfig, "the system config", env);
    }
    throw new NoConfigException(searched);
  }

  /**
   * Checks a config file and remembers its absolute path for later runs (--add-config).
   *
   * @return the config that was read
   */
  public static PachaConfig remember(Path file, Map<String, String> env) {
    Path absolute = file.toAbsolutePath().normalize();
    PachaConfig config = read(absolute, "--add-config", env);
    Path pointer = defaultStateDir(env).resolve(CONFIG_POINTER);
    try {
      Files.createDirectories(pointer.getParent());
      Path tmp = pointer.resolveSibling(CONFIG_POINTER + ".tmp");
      Files.writeString(tmp, absolute + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp,
          pointer,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot store the config path in " + pointer + ": " + e.getMessage());
    }
    return config;
  }

  /** Reads and checks one file; {@code how} says how it was chosen, for error messages. */
  public static PachaConfig read(Path file, String how, Map<String, String> env) {
    Map<String, String> raw = parse(file, how);
    return new Resolver(file, raw, env).resolve();
  }

  private static Map<String, String> parse(Path file, String how) {
    INIConfiguration ini = new INIConfiguration();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      ini.read(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "config file " + file + " (from " + how + ") does not exist; give an existing file");
    } catch (AccessDeniedException e) {
      throw new ConfigException(
          "config file "
              + file
              + " (from "
              + how
              + ") is not readable by this user;"
              + " check its permissions or run as root");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException("config file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        throw new ConfigException("config path " + file + " is a directory; give the file");
      }
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    } catch (ConfigurationException | RuntimeException e) {
      throw new ConfigException(
          "config file " + file + " is not a valid INI file: " + firstLine(e.getMessage()));
    }
    Map<String, String> values = new LinkedHashMap<>();
    // Keys outside any section, then [DEFAULT] (the original's section), then any other section.
    List<String> sections = new ArrayList<>();
    sections.add(null);
    for (String s : ini.getSections()) {
      if (s != null) {
        sections.add(s);
      }
    }
    for (String section : sections) {
      SubnodeConfiguration node = ini.getSection(section);
      for (Iterator<String> it = node.getKeys(); it.hasNext(); ) {
        String escaped = it.next();
        String key = escaped.replace("..", ".");
        Object value = node.getProperty(escaped);
        String whole = String.valueOf(value);
        if (key.startsWith("pacha.") && (whole.contains("\n") || whole.contains("\r"))) {
          // Commons Configuration joins a line ending in a backslash with the next one; no value
          // pacha reads spans lines, and error messages quoting values must stay one line.
          throw new ConfigException(
              key
                  + " in "
                  + file
                  + " runs over several lines (a line ending in '\\' continues it);"
                  + " put its value on one line");
        }
        if (value instanceof java.util.Collection<?> many && key.startsWith("pacha.")) {
          // Commons Configuration keeps every value of a repeated key as a list, which would
          // otherwise become the text "[a, b]".
          throw new ConfigException(
              key
                  + " is set "
                  + many.size()
                  + " times in "
                  + file
                  + " (values: "
                  + many
                  + "); keep one line for it");
        }
        String text = value == null ? "" : String.valueOf(value).trim();
        if (section != null && !"DEFAULT".equalsIgnoreCase(section) && key.startsWith("pacha.")) {
          throw new ConfigException(
              key
                  + " in "
                  + file
                  + " is in section ["
                  + section
                  + "]; pacha reads its keys from"
                  + " [DEFAULT]");
        }
        if (values.containsKey(key) && key.startsWith("pacha.")) {
          throw new ConfigException(
              key
                  + " is set 2 times in "
                  + file
                  + " (values: ["
                  + values.get(key)
                  + ", "
                  + text
                  + "]); keep one line for it");
        }
        values.put(key, text);
      }
    }
    return values;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  static Path home(Map<String, String> env) {
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  /** Turns raw strings into checked values; every error names key, value and what is allowed. */
  private static final class Resolver {
    private final Path file;
    private final Map<String, String> raw;
    private final Map<String, String> env;
    private final List<String> warnings = new ArrayList<>();

    Resolver(Path file, Map<String, String> raw, Map<String, String> env) {
      this.file = file;
      this.raw = raw;
      this.env = env;
    }

    PachaConfig resolve() {
      checkKeys();
      for (Map.Entry<String, String> e : raw.entrySet()) {
        // A NUL would reach Path.of as an InvalidPathException instead of this message.
        if (e.getKey().startsWith("pacha.") && e.getValue().indexOf('\0') >= 0) {
          throw bad(e.getKey(), e.getValue().replace("\0", "\\0"), "must not contain NUL");
        }
      }
      int frequency =
          integer("pacha.frequency", 60, 0, Integer.MAX_VALUE, "a whole number of seconds");
      if (frequency < 10) {
        // The original's rule: too-frequent pushes fall back to the default.
        warnings.add("pacha.frequency = " + frequency + " is under 10 seconds; using 60");
        frequency = 60;
      }
      boolean master = bool("pacha.master", false);
      String host = text("pacha.host", "");
      int port = integer("pacha.ssh.port", 22, 1, 65535, "a TCP port from 1 to 65535");
      String user = text("pacha.ssh.user", "");
      String hostsPath = absolute("pacha.hosts.path", "/opt/pacha/hosts");
      Optional<String> hostname = optional("pacha.hostname").map(this::hostName);
      Optional<Path> identity =
          optional("pacha.ssh.identity").map(v -> path("pacha.ssh.identity", v));
      Path knownHosts =
          optional("pacha.ssh.known_hosts")
              .map(v -> path("pacha.ssh.known_hosts", v))
              .orElse(home(env).resolve(".ssh/known_hosts"));
      HostKeyChecking checking =
          choice("pacha.ssh.host_key_checking", HostKeyChecking.class, HostKeyChecking.YES);
      Optional<MasterLocation> location = masterLocation(master, host, port, user, hostsPath);
      SshClientSettings sshClient = sshClient(port);
      S3Settings s3 =
          new S3Settings(
              optional("pacha.s3.endpoint").map(v -> endpoint("pacha.s3.endpoint", v)),
              optional("pacha.s3.region").map(v -> region("pacha.s3.region", v)),
              bool("pacha.s3.path_style", false));
      AwsSettings aws =
          new AwsSettings(
              optional("pacha.aws.endpoint").map(v -> endpoint("pacha.aws.endpoint", v)),
              optional("pacha.aws.region").map(v -> region("pacha.aws.region", v)));
      Path stateDir =
          optional("pacha.state.dir")
              .map(v -> path("pacha.state.dir", v))
              .orElse(defaultStateDir(env));
      Path staging =
          optional("pacha.rebuild.staging")
              .map(v -> path("pacha.rebuild.staging", v))
              .orElse(stateDir.resolve("staging"));
      Path backups =
          optional("pacha.rebuild.backups")
              .map(v -> path("pacha.rebuild.backups", v))
              .orElse(stateDir.resolve("backups"));
      MissingOwner missing =
          choice("pacha.rebuild.missing_owner", MissingOwner.class, MissingOwner.SKIP);
      int timeout = integer("pacha.hooks.timeout", 300, 1, 86_400, "seconds from 1 to 86400");
      PachaConfig.LogSettings log =
          new PachaConfig.LogSettings(
              bool("pacha.log.enable", false),
              Path.of(absolute("pacha.log.path", "/var/log/pacha.log")),
              logLevel(),
              text("pacha.log.format", KEYS.get("pacha.log.format")),
              text("pacha.log.datefmt", KEYS.get("pacha.log.datefmt")));
      Optional<String> secrets = optional("pacha.boot.secrets");
      secrets
          .filter(v -> !SECRETS.matcher(v).matches())
          .ifPresent(
              v -> {
                throw bad(
                    "pacha.boot.secrets",
                    v,
                    "must be ssm:/PARAMETER/PREFIX or secretsmanager:NAME");
              });
      int deadline = integer("pacha.boot.deadline", 600, 0, 86_400, "seconds from 0 to 86400");
      String onFailure = text("pacha.boot.on_failure", "degrade");
      if (!onFailure.equals("degrade") && !onFailure.equals("fail")) {
        throw bad("pacha.boot.on_failure", onFailure, "must be degrade or fail");
      }
      PachaConfig.BootSettings boot =
          new PachaConfig.BootSettings(
              secrets, Duration.ofSeconds(deadline), onFailure.equals("fail"));
      return new PachaConfig(
          file.toAbsolutePath(),
          frequency,
          master,
          host,
          port,
          user,
          hostsPath,
          hostname,
          identity,
          knownHosts,
          checking,
          sshClient,
          location,
          s3,
          aws,
          stateDir,
          staging,
          backups,
          missing,
          Duration.ofSeconds(timeout),
          log,
          boot,
          serve(),
          List.copyOf(warnings));
    }

    private PachaConfig.ServeSettings serve() {
      return new PachaConfig.ServeSettings(
          count("pacha.serve.port", 0, 65535, "a TCP port from 0 to 65535 (0 picks a free one)"),
          optional("pacha.serve.bind"),
          optional("pacha.serve.admin_keys").map(v -> path("pacha.serve.admin_keys", v)),
          optional("pacha.serve.host_key").map(v -> path("pacha.serve.host_key", v)),
          count("pacha.serve.max_startups", 1, 100_000, "a whole number from 1 to 100000"),
          count(
              "pacha.serve.max_startups_per_source", 1, 100_000, "a whole number from 1 to 100000"),
          count("pacha.serve.login_grace_time", 1, 3_600, "seconds from 1 to 3600")
              .map(Duration::ofSeconds),
          count("pacha.serve.idle_timeout", 1, 86_400, "seconds from 1 to 86400")
              .map(Duration::ofSeconds),
          count("pacha.serve.max_sessions", 1, 10_000, "a whole number from 1 to 10000"));
    }

    /** A whole number when set. */
    private Optional<Integer> count(String key, int min, int max, String allowed) {
      return optional(key).map(v -> integer(key, 0, min, max, allowed));
    }

    private void checkKeys() {
      for (String key : raw.keySet()) {
        if (!key.startsWith("pacha.") || KEYS.containsKey(key)) {
          continue;
        }
        if (key.startsWith("pacha.hg.")) {
          // The original pushed through Mercurial; its hg settings mean nothing here.
          warnings.add(
              key + " in " + file + " belongs to the original's Mercurial transport; ignored");
          continue;
        }
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String known : KEYS.keySet()) {
          int d = distance(key, known);
          if (d < best) {
            best = d;
            closest = known;
          }
        }
        if (best <= 3) {
          throw new ConfigException(
              "unknown key " + key + " in " + file + "; did you mean " + closest + "?");
        }
        throw new ConfigException(
            "unknown key "
                + key
                + " in "
                + file
                + "; see `pacha --config-values` or the README for the keys pacha reads");
      }
    }

    /** What of the SSH settings the file sets itself, from the URL or from the seed's keys. */
    private SshClientSettings sshClient(int seedPort) {
      Optional<SshClient> client =
          optional("pacha.ssh.client").map(v -> choice("pacha.ssh.client", SshClient.class, null));
      Optional<Path> sshConfig = optional("pacha.ssh.config").map(v -> path("pacha.ssh.config", v));
      Optional<String> user;
      OptionalInt port;
      Optional<String> url = optional("pacha.master.url");
      if (url.isPresent()) {
        URI uri = URI.create(url.get());
        user = Optional.ofNullable(uri.getUserInfo()).filter(u -> !u.isEmpty());
        port = uri.getPort() < 0 ? OptionalInt.empty() : OptionalInt.of(uri.getPort());
      } else {
        user = optional("pacha.ssh.user");
        port =
            optional("pacha.ssh.port").isPresent() ? OptionalInt.of(seedPort) : OptionalInt.empty();
      }
      return new SshClientSettings(
          client,
          sshConfig,
          user,
          port,
          optional("pacha.ssh.known_hosts").map(v -> path("pacha.ssh.known_hosts", v)),
          optional("pacha.ssh.host_key_checking")
              .map(
                  v ->
                      choice(
                          "pacha.ssh.host_key_checking",
                          HostKeyChecking.class,
                          HostKeyChecking.YES)));
    }

    private Optional<MasterLocation> masterLocation(
        boolean master, String host, int port, String user, String hostsPath) {
      Optional<String> url = optional("pacha.master.url");
      if (url.isPresent()) {
        return Optional.of(MasterLocation.parse(url.get(), "pacha.master.url"));
      }
      if (host.isEmpty()) {
        // A master keeps its hosts on its own disk.
        return master
            ? Optional.of(new MasterLocation("file", null, null, 0, hostsPath))
            : Optional.empty();
      }
      if (!host.matches("[A-Za-z0-9._:\\[\\]-]+")) {
        throw new ConfigException(
            "pacha.host = " + host + " in " + file + " is not a host name or address");
      }
      String sshUser = user.isEmpty() ? System.getProperty("user.name") : user;
      return Optional.of(new MasterLocation("sftp", sshUser, host, port, hostsPath));
    }

    private Optional<String> optional(String key) {
      String v = raw.get(key);
      // "None" is how the original's Python config said "not set".
      return v == null || v.isEmpty() || v.equals("None") ? Optional.empty() : Optional.of(v);
    }

    private String text(String key, String fallback) {
      return optional(key).orElse(fallback);
    }

    private int integer(String key, int fallback, int min, int max, String allowed) {
      Optional<String> v = optional(key);
      if (v.isEmpty()) {
        return fallback;
      }
      long n;
      try {
        n = Long.parseLong(v.get());
      } catch (NumberFormatException e) {
        throw bad(key, v.get(), "must be " + allowed);
      }
      if (n < min || n > max) {
        throw bad(key, v.get(), "must be " + allowed);
      }
      return (int) n;
    }

    private boolean bool(String key, boolean fallback) {
      Optional<String> v = optional(key);
      if (v.isEmpty()) {
        return fallback;
      }
      // Python ConfigParser's spellings, which the original accepted.
      switch (v.get().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1":
          return true;
        case "false", "no", "off", "0":
          return false;
        default:
          throw bad(key, v.get(), "must be True or False (also yes/no, on/off, 1/0)");
      }
    }

    private String absolute(String key, String fallback) {
      String v = text(key, fallback);
      if (!v.startsWith("/")) {
        throw bad(key, v, "must be an absolute path (starting with /)");
      }
      return v.length() > 1 && v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    private Path path(String key, String v) {
      if (v.startsWith("~/")) {
        return home(env).resolve(v.substring(2));
      }
      if (!v.startsWith("/")) {
        throw bad(key, v, "must be an absolute path (starting with / or ~/)");
      }
      return Path.of(v);
    }

    private <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
      Optional<String> v = optional(key);
      if (v.isEmpty()) {
        return fallback;
      }
      List<String> allowed = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        String name = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        allowed.add(name);
        if (name.equalsIgnoreCase(v.get()) || e.name().equalsIgnoreCase(v.get())) {
          return e;
        }
      }
      throw bad(key, v.get(), "must be one of " + String.join(", ", allowed));
    }

    private String hostName(String v) {
      if (!HOST_NAME.matcher(v).matches() || v.contains("..")) {
        throw bad(
            "pacha.hostname",
            v,
            "must be a host name: letters, digits, '.', '-' and '_', starting with a letter or"
                + " digit");
      }
      return v;
    }

    private URI endpoint(String key, String v) {
      String allowed =
          "must be an http:// or https:// URL with a host, such as http://127.0.0.1:9000";
      URI uri;
      try {
        uri = new URI(v);
      } catch (URISyntaxException e) {
        throw bad(key, v, allowed);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw bad(key, v, allowed);
      }
      return uri;
    }

    private String region(String key, String v) {
      if (v.length() > 64 || !REGION.matcher(v).matches()) {
        throw bad(
            key, v, "must be a region name: lower-case letters, digits and '-', such as eu-west-1");
      }
      return v;
    }

    private String logLevel() {
      String v = text("pacha.log.level", "DEBUG").toUpperCase(Locale.ROOT);
      if (!List.of("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL").contains(v)) {
        throw bad(
            "pacha.log.level",
            raw.get("pacha.log.level"),
            "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
      }
      return v;
    }

    private ConfigException bad(String key, String value, String allowed) {
      return new ConfigException(key + " = " + value + " in " + file + ": " + allowed);
    }
  }

  /** Levenshtein distance, for "did you mean" on misspelt keys. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
