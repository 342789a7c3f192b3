package dev.pacha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import dev.pacha.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole command lines run in-process: exit code, stdout and stderr. */
class CliTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @TempDir Path tmp;

  private Map<String, String> env;

  /** What one run printed and returned. */
  private record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    // HOME and the state dir in the sandbox: no run reads the real home or /var/lib/pacha.
    env = new HashMap<>();
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("PACHA_STATE_DIR", tmp.resolve("state").toString());
  }

  // --- usage and help ---

  @Test
  void execute_noArguments_printsUsageOnStderrAndExits2() {
    Result r = run();

    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("Usage: pacha"), r.toString());
    assertEquals("", r.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "-h",
        "rebuild --help",
        "watch --help",
        "push --help",
        "status --help",
        "log --help",
        "verify --help",
        "hosts --help",
        "host --help",
        "host add --help",
        "restore-db --help"
      })
  void execute_help_printsHelpOnStdoutAndExits0(String line) {
    Result r = run(line.split(" "));

    String command = line.replace("--help", "").replace("-h", "").trim();
    String expected = command.isEmpty() ? "Usage: pacha " : "Usage: pacha " + command + " ";
    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().startsWith(expected), r.toString());
    assertEquals("", r.err());
  }

  @Test
  void execute_version_printsVersionAndExits0() {
    Result r = run("--version");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().startsWith("pacha "), r.toString());
  }

  // --- where the config comes from ---

  @Test
  void execute_configBeforeSubcommand_isUsed() throws IOException {
    Path conf = config("pacha.hostname = from-config\n");

    Result r = run("--config", conf.toString(), "status");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("Host:    from-config"), r.toString());
  }

  @Test
  void execute_configAfterSubcommand_isUsed() throws IOException {
    Path conf = config("pacha.hostname = from-config\n");

    Result r = run("status", "--config", conf.toString());

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("Host:    from-config"), r.toString());
  }

  @Test
  void execute_configBeforeLegacyFlag_isUsed() throws IOException {
    Path conf = config("pacha.frequency = 42\n");

    Result r = run("--config", conf.toString(), "--config-values");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().startsWith("# from " + conf.toAbsolutePath()), r.toString());
    assertTrue(r.out().contains("pacha.frequency = 42\n"), r.toString());
  }

  @Test
  void execute_configAfterLegacyFlag_isUsed() throws IOException {
    Path conf = config("pacha.frequency = 42\n");

    Result r = run("--config-values", "--config", conf.toString());

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("pacha.frequency = 42\n"), r.toString());
  }

  @Test
  void execute_pachaConfigEnv_picksTheFile() throws IOException {
    Path conf = config("pacha.frequency = 42\n");
    env.put("PACHA_CONFIG", conf.toString());

    Result r = run("--config-values");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("pacha.frequency = 42\n"), r.toString());
  }

  @Test
  void execute_configAndPachaConfigEnv_configWins() throws IOException {
    Path conf = config("pacha.frequency = 42\n");
    Path other = write("other.conf", "[DEFAULT]\npacha.frequency = 99\n");
    env.put("PACHA_CONFIG", other.toString());

    Result r = run("--config-values", "--config", conf.toString());

    assertTrue(r.out().contains("pacha.frequency = 42\n"), r.toString());
  }

  @Test
  void execute_noConfigAnywhere_printsTheBoxedWarningAndExits2() {
    Result r = run("status");
    if (Files.exists(ConfigLoader.SYSTEM_CONFIG)) {
      // This machine has a system config, which the run then uses (ConfigLoaderTest covers the
      // missing case through its system-path seam).
      assertFalse(r.err().startsWith("+---"), r.toString());
      return;
    }

    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().startsWith("+---"), r.toString());
    assertTrue(r.err().contains("|      pacha --add-config /path/to/config"), r.toString());
    assertTrue(r.err().contains(tmp.resolve("state/config-path").toString()), r.toString());
    assertNoStackTrace(r);
    assertEquals("", r.out());
  }

  @Test
  void execute_addConfigThenConfigValues_showsTheAddedFile() throws IOException {
    Path conf = config("pacha.frequency = 42\n");

    Result added = run("--add-config", conf.toString());
    Result values = run("--config-values");

    assertEquals(ExitCodes.OK, added.code(), added.toString());
    assertTrue(added.out().contains(conf.toAbsolutePath().toString()), added.toString());
    assertEquals(ExitCodes.OK, values.code(), values.toString());
    assertTrue(values.out().startsWith("# from " + conf.toAbsolutePath()), values.toString());
    assertTrue(values.out().contains("pacha.frequency = 42\n"), values.toString());
  }

  @Test
  void execute_addConfigOfBadFile_exits2WithOneLine() throws IOException {
    Path conf = config("pacha.ssh.port = 0\n");

    Result r = run("--add-config", conf.toString());

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("pacha.ssh.port = 0"), r.toString());
    assertFalse(Files.exists(tmp.resolve("state/config-path")), "a bad file must not be stored");
  }

  @Test
  void execute_badConfigValue_exits2WithOneLineNamingKeyAndValue() throws IOException {
    Path conf = config("pacha.ssh.port = 70000\n");

    Result r = run("status", "--config", conf.toString());

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("pacha.ssh.port = 70000"), r.toString());
    assertTrue(r.err().contains("1 to 65535"), r.toString());
  }

  @Test
  void execute_frequencyUnderTen_warnsOnStderrAndRuns() throws IOException {
    Path conf = config("pacha.frequency = 5\n");

    Result r = run("--config", conf.toString(), "--config-values");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.err().startsWith("pacha: warning: pacha.frequency = 5"), r.toString());
    assertTrue(r.out().contains("pacha.frequency = 60\n"), r.toString());
  }

  // --- bad command lines: exit 2, one line, no stack trace ---

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--bogus",
        "frob",
        "status --bogus",
        "rebuild",
        "--rebuild a --watch",
        "--rebuild ../x",
        "rebuild ../x --yes",
        "--yes",
        "--dry-run --watch-single some-file",
        "--yes rebuild bar",
        "--rebuild bar status",
        "--json status",
      })
  void execute_badCommandLine_exits2WithOneLineAndNoStackTrace(String line) throws IOException {
    Path conf = config("pacha.hostname = bar\n");
    List<String> args = new ArrayList<>(List.of("--config", conf.toString()));
    args.addAll(List.of(line.split(" ")));

    Result r = run(args.toArray(new String[0]));

    assertOneLineError(r, ExitCodes.USAGE);
  }

  @Test
  void execute_rebuildBadHostName_saysWhatAHostNameMayContain() {
    Result r = run("--rebuild", "../x");

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("'../x'"), r.toString());
    assertTrue(r.err().contains("letters, digits"), r.toString());
  }

  @Test
  void execute_yesWithoutRebuild_namesRebuild() {
    Result r = run("--yes");

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("--rebuild"), r.toString());
  }

  @Test
  void execute_yesBeforeRebuildSubcommand_isRefusedNotIgnored() throws IOException {
    // Before the fix, --yes given before `rebuild` was parsed and then silently dropped, and the
    // run asked the operator to "add --yes".
    Path conf = config("pacha.hostname = bar\n");

    Result r = run("--config", conf.toString(), "--yes", "rebuild", "bar");

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("--yes"), r.toString());
    assertTrue(r.err().contains("pacha rebuild"), r.toString());
  }

  @Test
  void execute_stacktraceWithBadOption_printsTheTrace() {
    Result r = run("--stacktrace", "--bogus");

    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().startsWith("pacha: "), r.toString());
    assertTrue(r.err().contains("\tat "), r.toString());
  }

  @Test
  void execute_stacktraceWithMissingConfig_printsTheTrace() {
    Result r = run("--stacktrace", "--config", tmp.resolve("nope.conf").toString(), "status");

    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().startsWith("pacha: config file "), r.toString());
    assertTrue(r.err().contains("ConfigException"), r.toString());
    assertTrue(r.err().contains("\tat "), r.toString());
  }

  // --- rebuild against a master that is not there ---

  @Test
  void execute_rebuildWithUnreachableMaster_exits3WithOneLineReason() throws Exception {
    Path key = tmp.resolve("id_ecdsa");
    KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
    pair.writePrivateKey(key.toString());
    pair.dispose();
    // A key file others may read is refused (exit 2) before any connection is tried.
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    int port = closedPort();
    Path conf =
        config(
            "pacha.host = 127.0.0.1\n"
                + "pacha.ssh.port = "
                + port
                + "\n"
                + "pacha.ssh.user = bar_user\n"
                + "pacha.ssh.identity = "
                + key
                + "\n");

    Result r = run("--config", conf.toString(), "rebuild", "bar", "--yes");

    assertOneLineError(r, ExitCodes.UNREACHABLE);
    assertTrue(r.err().contains("bar_user@127.0.0.1:" + port), r.toString());
    assertTrue(
        r.err().toLowerCase(java.util.Locale.ROOT).contains("connection refused"), r.toString());
  }

  @Test
  void execute_rebuildWithoutYesAndNoTerminal_exits2NamingYes() throws IOException {
    Path conf = config("pacha.host = 127.0.0.1\npacha.ssh.port = " + closedPort() + "\n");

    Result r = run("--config", conf.toString(), "rebuild", "bar");

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("--yes"), r.toString());
  }

  @Test
  void execute_legacyRebuildWithoutYesAndNoTerminal_exits2NamingYes() throws IOException {
    Path conf = config("pacha.host = 127.0.0.1\npacha.ssh.port = " + closedPort() + "\n");

    Result r = run("--config", conf.toString(), "--rebuild", "bar");

    assertOneLineError(r, ExitCodes.USAGE);
    assertTrue(r.err().contains("--yes"), r.toString());
  }

  // --- the read and push side against a file:// master ---

  @Test
  void execute_watchThenStatus_statusIsCleanAndJson() throws IOException {
    Master m = watched();

    Result text = m.run("status");
    Result json = m.run("status", "--json");

    assertEquals(ExitCodes.OK, text.code(), text.toString());
    assertTrue(text.out().contains("Tracked: /etc/foo"), text.toString());
    assertTrue(text.out().contains("No changes since the last push."), text.toString());
    JsonNode s = parse(json);
    assertEquals("bar", s.get("host").asText());
    assertEquals("/etc/foo", s.get("roots").get(0).asText());
    assertEquals(0, s.get("added").size());
    assertEquals(0, s.get("modified").size());
  }

  @Test
  void execute_statusAfterEdit_showsTheModifiedFile() throws IOException {
    Master m = watched();
    Files.writeString(m.root.resolve("etc/foo/foo.conf"), "changed\n");

    Result r = m.run("status");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("modified  /etc/foo/foo.conf"), r.toString());
  }

  @Test
  void execute_pushWithNothingChanged_jsonSaysUnchanged() throws IOException {
    Master m = watched();

    JsonNode p = parse(m.run("push", "--json"));

    assertEquals("bar", p.get("host").asText());
    assertFalse(p.get("changed").asBoolean());
    assertEquals(0, p.get("uploadedObjects").asInt());
  }

  @Test
  void execute_pushAfterEdit_uploadsANewSnapshot() throws IOException {
    Master m = watched();
    Files.writeString(m.root.resolve("etc/foo/foo.conf"), "changed\n");

    Result r = m.run("push");
    JsonNode log = parse(m.run("log", "bar", "--json"));

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("Pushed snapshot "), r.toString());
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).get("latest").asBoolean(), "newest first, and it is the latest");
    assertFalse(log.get(1).get("latest").asBoolean());
  }

  @Test
  void execute_logAfterWatch_listsOneLatestSnapshot() throws IOException {
    Master m = watched();

    Result text = m.run("log", "bar");
    JsonNode json = parse(m.run("log", "bar", "--json"));

    assertEquals(ExitCodes.OK, text.code(), text.toString());
    assertTrue(text.out().contains("(latest)"), text.toString());
    assertEquals(1, json.size());
    assertTrue(json.get(0).get("latest").asBoolean());
    assertTrue(text.out().startsWith(json.get(0).get("id").asText()), text.toString());
  }

  @Test
  void execute_verifyAfterWatch_exits0AndReportsOk() throws IOException {
    Master m = watched();

    Result text = m.run("verify", "bar");
    JsonNode json = parse(m.run("verify", "bar", "--json"));

    assertEquals(ExitCodes.OK, text.code(), text.toString());
    assertTrue(text.out().startsWith("ok "), text.toString());
    assertEquals(1, json.size());
    assertEquals("bar", json.get(0).get("host").asText());
    assertEquals(0, json.get(0).get("problems").size(), json.toString());
    assertEquals(2, json.get(0).get("objects").asInt(), "two files, two contents: " + json);
  }

  @Test
  void execute_hostsAfterWatch_listsBar() throws IOException {
    Master m = watched();

    Result text = m.run("hosts");
    JsonNode json = parse(m.run("hosts", "--json"));

    assertEquals(ExitCodes.OK, text.code(), text.toString());
    assertTrue(text.out().startsWith("bar "), text.toString());
    assertEquals(1, json.size());
    assertEquals("bar", json.get(0).get("host").asText());
  }

  @Test
  void execute_watchJson_printsOnlyJson() throws IOException {
    Master m = master();

    JsonNode json =
        parse(
            m.run(
                "watch",
                m.root.resolve("etc/foo").toString(),
                "--target-root",
                m.root.toString(),
                "--json"));

    assertTrue(json.get("changed").asBoolean(), json.toString());
    assertEquals("bar", json.get("host").asText());
  }

  @Test
  void execute_legacyWatchFlag_pushesLikeTheSubcommand() throws IOException {
    Master m = master();

    Result r =
        m.run("--watch", m.root.resolve("etc/foo").toString(), "--target-root", m.root.toString());
    Result hosts = m.run("hosts");

    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("Tracking /etc/foo"), r.toString());
    assertTrue(hosts.out().startsWith("bar "), hosts.toString());
  }

  @Test
  void execute_logOfInvalidHostName_exits2() throws IOException {
    Master m = watched();

    Result r = m.run("log", "../bar");

    assertOneLineError(r, ExitCodes.USAGE);
  }

  // --- helpers ---

  /** A file:// master, a config pointing at it and a small tree to track under {@code root}. */
  private final class Master {
    final Path conf;
    final Path root;

    Master(Path conf, Path root) {
      this.conf = conf;
      this.root = root;
    }

    Result run(String... args) {
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--config");
      all.add(conf.toString());
      return CliTest.this.run(all.toArray(new String[0]));
    }
  }

  private Master master() throws IOException {
    Path store = Files.createDirectories(tmp.resolve("master"));
    Path root = tmp.resolve("root");
    Path foo = Files.createDirectories(root.resolve("etc/foo"));
    Files.writeString(foo.resolve("foo.conf"), "listen = 8080\n");
    Files.createDirectories(foo.resolve("conf.d"));
    Files.writeString(foo.resolve("conf.d/extra.conf"), "extra = 1\n");
    Files.createSymbolicLink(foo.resolve("current"), Path.of("foo.conf"));
    Path conf =
        config("pacha.hostname = bar\npacha.master.url = file://" + store.toAbsolutePath() + "\n");
    return new Master(conf, root);
  }

  private Master watched() throws IOException {
    Master m = master();
    Result r =
        m.run("watch", m.root.resolve("etc/foo").toString(), "--target-root", m.root.toString());
    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("Pushed snapshot "), r.toString());
    return m;
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.execute(
            args,
            new Cli.Context(
                Map.copyOf(env),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                InputStream.nullInputStream(),
                false));
    return new Result(code, out.toString(), err.toString());
  }

  private Path config(String body) throws IOException {
    return write("pacha.conf", "[DEFAULT]\n" + body);
  }

  private Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** A local port with nothing listening on it (free a moment ago). */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static JsonNode parse(Result r) throws IOException {
    assertEquals(ExitCodes.OK, r.code(), r.toString());
    return JSON.readTree(r.out());
  }

  private static void assertOneLineError(Result r, int code) {
    assertEquals(code, r.code(), r.toString());
    assertTrue(r.err().startsWith("pacha: "), r.toString());
    assertTrue(r.err().endsWith("\n"), r.toString());
    assertEquals(1, r.err().lines().count(), "not one line: " + r);
    assertNoStackTrace(r);
  }

  private static void assertNoStackTrace(Result r) {
    assertFalse(r.err().contains("\tat "), r.toString());
    assertFalse(r.err().contains("Exception"), r.toString());
  }
}
