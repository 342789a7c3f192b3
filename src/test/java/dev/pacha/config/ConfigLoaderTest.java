package dev.pacha.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  private Path home;
  private Path state;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home"));
    state = tmp.resolve("state");
    env = Map.of("HOME", home.toString(), "PACHA_STATE_DIR", state.toString());
  }

  // --- the files the original Pacha documents ---

  @Test
  void read_seedThirteenLineConfig_parsesUnchangedWithDefaultsForTheRest() throws IOException {
    // Verbatim from seed/rebuilding-and-hooks.rst, "Actual Rebuilding" (trailing space included;
    // the seed calls it 13 lines).
    Path file = resource("seed-rebuild.conf");

    PachaConfig c = ConfigLoader.read(file, "--config", env);

    assertEquals(12, c.frequency());
    assertEquals("master.example.com", c.masterHost());
    assertEquals("bar_user", c.sshUser());
    assertEquals(22, c.sshPort());
    assertEquals("/pacha/hosts", c.hostsPath());
    assertEquals(
        Optional.of(
            new MasterLocation("sftp", "bar_user", "master.example.com", 22, "/pacha/hosts")),
        c.masterLocation());
    assertEquals("sftp://bar_user@master.example.com:22/pacha/hosts", c.requireMaster().display());
    assertFalse(c.master());
    assertEquals(Optional.empty(), c.hostname());
    assertEquals(Optional.empty(), c.sshIdentity());
    assertEquals(home.resolve(".ssh/known_hosts"), c.knownHosts());
    assertEquals(HostKeyChecking.YES, c.hostKeyChecking());
    assertEquals(state, c.stateDir());
    assertEquals(state.resolve("staging"), c.stagingDir());
    assertEquals(state.resolve("backups"), c.backupsDir());
    assertEquals(MissingOwner.SKIP, c.missingOwner());
    assertEquals(Duration.ofSeconds(300), c.hooksTimeout());
    assertFalse(c.log().enable());
    assertEquals(Path.of("/var/log/pacha.log"), c.log().path());
    assertEquals("DEBUG", c.log().level(), "the original's default");
    assertEquals("%H:%M:%S", c.log().dateFormat(), "the original's default");
    assertEquals(List.of(), c.warnings());
    assertEquals(file.toAbsolutePath(), c.source());
  }

  @Test
  void read_originalPachaDefaultConfig_parsesWithNoMasterLocation() throws IOException {
    Path file = resource("original-pacha.conf");

    PachaConfig c = ConfigLoader.read(file, "--config", env);

    assertEquals(60, c.frequency());
    assertFalse(c.master());
    assertEquals("", c.masterHost());
    assertEquals(22, c.sshPort());
    assertEquals("", c.sshUser());
    assertEquals("/opt/pacha/hosts", c.hostsPath());
    assertEquals(Optional.empty(), c.masterLocation(), "an empty pacha.host names no master");
    assertTrue(c.log().enable());
    assertEquals(Path.of("/var/log/pacha.log"), c.log().path());
    assertEquals("DEBUG", c.log().level());
    assertEquals("%(asctime)s %(levelname)s %(name)s %(message)s", c.log().format());
    assertEquals("%H:%M:%S", c.log().dateFormat());
    assertEquals(List.of(), c.warnings());
  }

  @Test
  void read_originalManualSample_acceptsHgKeyAndNoneWithAWarning() throws IOException {
    PachaConfig c = ConfigLoader.read(resource("original-manual.conf"), "--config", env);

    assertEquals("sftp", c.masterLocation().orElseThrow().scheme());
    assertEquals("root", c.sshUser());
    assertEquals(Path.of("/var/log/pacha.log"), c.log().path(), "None means: the default");
    assertEquals(1, c.warnings().size(), c.warnings().toString());
    assertTrue(c.warnings().get(0).startsWith("pacha.hg.autocorrect in "), c.warnings().toString());
  }

  @Test
  void requireMaster_emptyHost_throwsConfigExceptionNamingPachaHost() throws IOException {
    PachaConfig c = ConfigLoader.read(resource("original-pacha.conf"), "--config", env);

    ConfigException e = assertThrows(ConfigException.class, c::requireMaster);

    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains("pacha.host"), e.getMessage());
  }

  @Test
  void read_masterTrueWithoutHost_keepsHostsOnLocalDisk() throws IOException {
    PachaConfig c = read("pacha.master = True\npacha.hosts.path = /srv/pacha/hosts/\n");

    assertTrue(c.master());
    assertEquals(
        Optional.of(new MasterLocation("file", null, null, 0, "/srv/pacha/hosts")),
        c.masterLocation());
  }

  @Test
  void read_masterUrl_overridesSeedKeys() throws IOException {
    PachaConfig c =
        read(
            "pacha.host = master.example.com\n"
                + "pacha.master.url = sftp://pacha@10.0.0.5:2222/srv/hosts\n");

    assertEquals(
        "sftp://pacha@10.0.0.5:2222/srv/hosts", c.masterLocation().orElseThrow().display());
  }

  @Test
  void read_sshClientKeys_onlyWhatIsSetIsKept() throws IOException {
    PachaConfig seed = read("pacha.host = master.example.com\n");
    assertEquals(SshClientSettings.unset(), seed.sshClient());
    assertEquals(
        "sftp://" + System.getProperty("user.name") + "@master.example.com:22/opt/pacha/hosts",
        seed.masterLocation().orElseThrow().display());

    PachaConfig set =
        read(
            "pacha.host = m\npacha.ssh.user = bar\npacha.ssh.port = 2222\n"
                + "pacha.ssh.known_hosts = /etc/pacha/known_hosts\n"
                + "pacha.ssh.host_key_checking = accept-new\npacha.ssh.client = builtin\n"
                + "pacha.ssh.config = /etc/pacha/ssh_config\n");
    assertEquals(
        new SshClientSettings(
            Optional.of(SshClient.BUILTIN),
            Optional.of(Path.of("/etc/pacha/ssh_config")),
            Optional.of("bar"),
            java.util.OptionalInt.of(2222),
            Optional.of(Path.of("/etc/pacha/known_hosts")),
            Optional.of(HostKeyChecking.ACCEPT_NEW)),
        set.sshClient());

    PachaConfig alias =
        read("pacha.master.url = sftp://mymaster/pacha/hosts\npacha.ssh.port = 22\n");
    assertEquals(Optional.empty(), alias.sshClient().user(), "the URL names no user");
    assertEquals(java.util.OptionalInt.empty(), alias.sshClient().port(), "the URL names no port");
    assertEquals("sftp://mymaster:22/pacha/hosts", alias.masterLocation().orElseThrow().display());
  }

  @Test
  void read_badSshClient_oneLineNamingWhatIsAllowed() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> read("pacha.ssh.client = putty\n"));
    assertTrue(e.getMessage().startsWith("pacha.ssh.client = putty in "), e.getMessage());
    assertTrue(e.getMessage().endsWith(": must be one of openssh, builtin"), e.getMessage());
    ConfigException rel =
        assertThrows(ConfigException.class, () -> read("pacha.ssh.config = ssh_config\n"));
    assertTrue(rel.getMessage().contains("must be an absolute path"), rel.getMessage());
  }

  @Test
  void read_pythonBooleanSpellings_areAccepted() throws IOException {
    assertTrue(read("pacha.master = yes\n").master());
    assertTrue(read("pacha.master = ON\n").master());
    assertFalse(read("pacha.master = 0\n").master());
  }

  @Test
  void read_frequencyUnderTen_fallsBackToSixtyWithAWarning() throws IOException {
    PachaConfig c = read("pacha.frequency = 5\n");

    assertEquals(60, c.frequency());
    assertEquals(1, c.warnings().size(), c.warnings().toString());
    assertTrue(c.warnings().get(0).contains("pacha.frequency = 5"), c.warnings().toString());
    assertTrue(c.warnings().get(0).contains("60"), c.warnings().toString());
  }

  @Test
  void read_keysOutsideAnySection_areRead() throws IOException {
    Path file = write("plain.conf", "pacha.frequency = 30\n");

    assertEquals(30, ConfigLoader.read(file, "--config", env).frequency());
  }

  @Test
  void read_tildePaths_resolveAgainstHome() throws IOException {
    PachaConfig c = read("pacha.ssh.identity = ~/.ssh/pacha_key\n");

    assertEquals(Optional.of(home.resolve(".ssh/pacha_key")), c.sshIdentity());
  }

  // --- every bad input: one line naming the key, the value and what is allowed ---

  @Test
  void read_missingFile_throwsConfigExceptionNamingThePath() {
    Path missing = tmp.resolve("nope.conf");

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.read(missing, "--config", env));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), missing.toString(), "--config", "does not exist");
  }

  @Test
  void read_directoryInsteadOfFile_throwsConfigException() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pacha.conf"));

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.read(dir, "--config", env));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), dir.toString(), "is a directory");
  }

  @Test
  void read_portZero_throwsConfigExceptionNamingKeyValueAndRange() {
    assertBad("pacha.ssh.port = 0\n", "pacha.ssh.port", "= 0", "1 to 65535");
  }

  @Test
  void read_portAboveRange_throwsConfigExceptionNamingKeyValueAndRange() {
    assertBad("pacha.ssh.port = 70000\n", "pacha.ssh.port", "70000", "1 to 65535");
  }

  @Test
  void read_portNotANumber_throwsConfigExceptionNamingKeyValueAndRange() {
    assertBad("pacha.ssh.port = abc\n", "pacha.ssh.port", "abc", "1 to 65535");
  }

  @Test
  void read_frequencyNotANumber_throwsConfigExceptionNamingKeyValueAndWhatIsAllowed() {
    assertBad("pacha.frequency = abc\n", "pacha.frequency", "abc", "whole number of seconds");
  }

  @Test
  void read_misspeltKey_suggestsTheKnownKey() {
    ConfigException e = assertBad("pacha.ssh.prot = 22\n", "pacha.ssh.prot");

    assertTrue(e.getMessage().contains("did you mean pacha.ssh.port?"), e.getMessage());
  }

  @Test
  void read_unknownKeyFarFromAnyKnown_pointsAtTheKeyList() {
    ConfigException e = assertBad("pacha.completely.different = 1\n", "pacha.completely.different");

    assertTrue(e.getMessage().contains("--config-values"), e.getMessage());
  }

  @Test
  void read_relativeHostsPath_throwsConfigExceptionAskingForAnAbsolutePath() {
    assertBad("pacha.hosts.path = pacha/hosts\n", "pacha.hosts.path", "pacha/hosts", "absolute");
  }

  @Test
  void read_badHostKeyChecking_listsTheAllowedValues() {
    assertBad(
        "pacha.ssh.host_key_checking = maybe\n",
        "pacha.ssh.host_key_checking",
        "maybe",
        "yes, accept-new, no");
  }

  @Test
  void read_badMissingOwner_listsTheAllowedValues() {
    assertBad(
        "pacha.rebuild.missing_owner = ignore\n",
        "pacha.rebuild.missing_owner",
        "ignore",
        "skip, numeric, fail");
  }

  @Test
  void read_masterUrlWithUnknownScheme_listsTheSupportedSchemes() {
    assertBad(
        "pacha.master.url = http://master/hosts\n",
        "pacha.master.url",
        "http://master/hosts",
        "sftp://",
        "file://",
        "s3://");
  }

  @Test
  void read_masterUrlFileWithHost_asksForThreeSlashes() {
    assertBad("pacha.master.url = file://host/x\n", "pacha.master.url", "file:///path");
  }

  @Test
  void read_masterUrlFileWithRelativePath_isRefusedNotTakenAsRoot() {
    // Before the fix this loaded as file:/// : a master store at the filesystem root.
    assertBad(
        "pacha.master.url = file:srv/pacha\n", "pacha.master.url", "file:srv/pacha", "absolute");
  }

  @Test
  void read_masterUrlFileWithOneSlash_isALocalPath() throws IOException {
    assertEquals(
        "file:///srv/pacha",
        read("pacha.master.url = file:/srv/pacha\n").requireMaster().display());
  }

  @Test
  void read_badBooleanForMaster_saysTrueOrFalse() {
    assertBad("pacha.master = perhaps\n", "pacha.master", "perhaps", "True or False");
  }

  @Test
  void read_hostWithSpace_throwsConfigExceptionNamingKeyAndValue() {
    assertBad("pacha.host = master example\n", "pacha.host", "master example", "host name");
  }

  @Test
  void read_hostWithSlash_throwsConfigExceptionNamingKeyAndValue() {
    assertBad("pacha.host = master/x\n", "pacha.host", "master/x", "host name");
  }

  @Test
  void read_hostnameClimbingOut_throwsConfigExceptionSayingWhatIsAllowed() {
    assertBad("pacha.hostname = ../x\n", "pacha.hostname", "../x", "letters, digits");
  }

  @Test
  void read_hooksTimeoutZero_throwsConfigExceptionNamingTheRange() {
    assertBad("pacha.hooks.timeout = 0\n", "pacha.hooks.timeout", "= 0", "1 to 86400");
  }

  @Test
  void read_badLogLevel_listsTheLevels() {
    assertBad("pacha.log.level = LOUD\n", "pacha.log.level", "LOUD", "DEBUG, INFO");
  }

  @Test
  void read_pachaKeyInOtherSection_saysKeysBelongInDefault() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.read(
                    write("section.conf", "[other]\npacha.frequency = 30\n"), "--config", env));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), "pacha.frequency", "[other]", "[DEFAULT]");
  }

  @Test
  void read_notUtf8_throwsConfigException() throws IOException {
    Path file = tmp.resolve("latin1.conf");
    Files.write(file, new byte[] {'[', 'D', ']', '\n', (byte) 0xff, (byte) 0xfe, '\n'});

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.read(file, "--config", env));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), "UTF-8");
  }

  @Test
  void read_nulInAPath_throwsConfigExceptionNotInvalidPathException() {
    assertBad("pacha.ssh.identity = /a\u0000b\n", "pacha.ssh.identity", "/a\\0b", "NUL");
  }

  @Test
  void read_keyGivenTwice_throwsConfigExceptionNamingBothValues() {
    assertBad(
        "pacha.ssh.user = bar_user\npacha.ssh.user = other\n",
        "pacha.ssh.user",
        "2 times",
        "bar_user",
        "other",
        "keep one");
  }

  @Test
  void read_keyBeforeAndInsideDefaultSection_throwsConfigExceptionNamingBothValues()
      throws IOException {
    Path file = write("twice.conf", "pacha.frequency = 30\n[DEFAULT]\npacha.frequency = 40\n");

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.read(file, "--config", env));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), "pacha.frequency", "30", "40", "keep one");
  }

  @Test
  void read_valueContinuedOnNextLine_throwsOneLineConfigException() {
    assertBad(
        "pacha.host = master \\\npacha.ssh.user = bar_user\n",
        "pacha.host",
        "several lines",
        "one line");
  }

  // --- lookup order ---

  @Test
  void load_allSourcesPresent_cliConfigWins() throws IOException {
    Sources s = allSources();

    PachaConfig c = ConfigLoader.load(Optional.of(s.cli), s.env, s.system);

    assertEquals(s.cli.toAbsolutePath(), c.source());
    assertEquals(11, c.frequency());
  }

  @Test
  void load_noCliConfig_pachaConfigEnvWins() throws IOException {
    Sources s = allSources();

    PachaConfig c = ConfigLoader.load(Optional.empty(), s.env, s.system);

    assertEquals(22, c.frequency());
  }

  @Test
  void load_noCliConfigNorEnv_addConfigPointerWins() throws IOException {
    Sources s = allSources();

    PachaConfig c = ConfigLoader.load(Optional.empty(), env, s.system);

    assertEquals(33, c.frequency());
  }

  @Test
  void load_onlySystemConfig_readsIt() throws IOException {
    Sources s = allSources();
    Files.delete(state.resolve("config-path"));

    PachaConfig c = ConfigLoader.load(Optional.empty(), env, s.system);

    assertEquals(44, c.frequency());
  }

  @Test
  void load_nothingAnywhere_throwsNoConfigExceptionListingWhereItLooked() {
    Path system = tmp.resolve("etc/pacha/pacha.conf");

    NoConfigException e =
        assertThrows(
            NoConfigException.class, () -> ConfigLoader.load(Optional.empty(), env, system));

    assertEquals(List.of(state.resolve("config-path"), system), e.searched());
    assertTrue(e.getMessage().contains("pacha --add-config /path/to/config"), e.getMessage());
  }

  @Test
  void load_cliConfigMissing_failsInsteadOfFallingBack() throws IOException {
    Sources s = allSources();
    Path missing = tmp.resolve("missing.conf");

    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(Optional.of(missing), s.env, s.system));

    assertContains(e.getMessage(), missing.toString(), "--config");
  }

  @Test
  void load_pointerToDeletedFile_namesThePointer() throws IOException {
    Path gone = write("gone.conf", "pacha.frequency = 30\n");
    ConfigLoader.remember(gone, env);
    Files.delete(gone);

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(Optional.empty(), env, tmp.resolve("no-system.conf")));

    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), gone.toString(), "--add-config");
  }

  @Test
  void remember_badFile_keepsThePreviousPointer() throws IOException {
    Path good = write("good.conf", "pacha.frequency = 30\n");
    Path bad = write("bad.conf", "pacha.ssh.port = 0\n");
    ConfigLoader.remember(good, env);

    assertThrows(ConfigException.class, () -> ConfigLoader.remember(bad, env));

    assertEquals(
        good.toAbsolutePath().toString(),
        Files.readString(state.resolve("config-path"), StandardCharsets.UTF_8).trim());
  }

  @Test
  void defaultStateDir_stateDirEnvSet_usesIt() {
    assertEquals(state, ConfigLoader.defaultStateDir(env));
  }

  // --- property: any text either loads or gives a ConfigException ---

  @Test
  void read_randomAndMutatedConfigs_returnConfigOrThrowConfigException() throws IOException {
    Random random = new Random(20100101L);
    String seed = Files.readString(resource("seed-rebuild.conf"), StandardCharsets.UTF_8);
    String original = Files.readString(resource("original-pacha.conf"), StandardCharsets.UTF_8);
    Path file = tmp.resolve("fuzz.conf");
    int loaded = 0;
    int rejected = 0;
    for (int i = 0; i < 1000; i++) {
      String text =
          switch (i % 3) {
            case 0 -> mutate(random, seed);
            case 1 -> mutate(random, original);
            default -> randomConfig(random);
          };
      Files.writeString(file, text, StandardCharsets.UTF_8);
      try {
        PachaConfig c = ConfigLoader.read(file, "--config", env);
        assertTrue(c.frequency() >= 10, "frequency " + c.frequency() + " from:\n" + text);
        assertTrue(c.sshPort() >= 1 && c.sshPort() <= 65535, "port from:\n" + text);
        assertTrue(c.hostsPath().startsWith("/"), "hosts.path from:\n" + text);
        loaded++;
      } catch (ConfigException e) {
        assertFalse(
            e.getMessage().contains("\n"),
            "multi-line message " + e.getMessage() + " from " + text);
        rejected++;
      } catch (RuntimeException | Error e) {
        fail("config text gave " + e + " instead of a ConfigException:\n" + text, e);
      }
    }
    // Both outcomes must really have been exercised, or the loop proves little.
    assertTrue(loaded > 100, "loaded " + loaded);
    assertTrue(rejected > 100, "rejected " + rejected);
  }

  private static final String[] KEYS = ConfigLoader.KEYS.keySet().toArray(new String[0]);
  private static final String[] VALUES = {
    "",
    "0",
    "1",
    "5",
    "9",
    "10",
    "12",
    "60",
    "22",
    "65535",
    "65536",
    "-1",
    "99999999999",
    "abc",
    "True",
    "False",
    "yes",
    "no",
    "maybe",
    "/opt/pacha/hosts",
    "pacha/hosts",
    "/",
    "~/x",
    "~",
    "master.example.com",
    "bad host",
    "a/b",
    "127.0.0.1",
    "[::1]",
    "skip",
    "numeric",
    "fail",
    "accept-new",
    "DEBUG",
    "sftp://u@h:22/p",
    "sftp://h:0/p",
    "file:///tmp/m",
    "file://h/x",
    "file:rel",
    "s3://b/p",
    "s3:///p",
    "http://x",
    "::::",
    "%(asctime)s",
    "${env:HOME}",
    "\"quoted\"",
    "a ; comment",
    "a # comment",
    "x\\",
    "\u00e9t\u00e9",
    "\u0000",
    "/a\u0000b",
    "\t",
    "a=b=c",
    "[x]",
  };
  private static final String PALETTE = "ab./:=[]#;\\\"'$%{} \t-_~0123456789\u0000\u00e9\u2603";

  private static String randomConfig(Random r) {
    StringBuilder sb = new StringBuilder();
    if (r.nextInt(4) > 0) {
      sb.append(r.nextInt(8) == 0 ? "[" + word(r) + "]" : "[DEFAULT]").append('\n');
    }
    int lines = r.nextInt(12);
    for (int i = 0; i < lines; i++) {
      String key =
          switch (r.nextInt(6)) {
            case 0 -> word(r);
            case 1 -> mutateWord(r, KEYS[r.nextInt(KEYS.length)]);
            default -> KEYS[r.nextInt(KEYS.length)];
          };
      String value = r.nextInt(5) == 0 ? word(r) : VALUES[r.nextInt(VALUES.length)];
      String sep = r.nextInt(10) == 0 ? (r.nextBoolean() ? ":" : " ") : " = ";
      sb.append(key).append(sep).append(value).append(r.nextInt(10) == 0 ? "\r\n" : "\n");
    }
    return sb.toString();
  }

  private static String mutate(Random r, String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && !lines.isEmpty(); i++) {
      int at = r.nextInt(lines.size());
      switch (r.nextInt(5)) {
        case 0 -> lines.remove(at);
        case 1 -> lines.add(at, lines.get(at));
        case 2 -> lines.set(at, mutateWord(r, lines.get(at)));
        case 3 ->
            lines.add(at, KEYS[r.nextInt(KEYS.length)] + " = " + VALUES[r.nextInt(VALUES.length)]);
        default -> lines.set(at, lines.get(at) + PALETTE.charAt(r.nextInt(PALETTE.length())));
      }
    }
    return String.join("\n", lines);
  }

  private static String mutateWord(Random r, String s) {
    StringBuilder sb = new StringBuilder(s);
    int edits = 1 + r.nextInt(3);
    for (int i = 0; i < edits; i++) {
      char c = PALETTE.charAt(r.nextInt(PALETTE.length()));
      int at = sb.length() == 0 ? 0 : r.nextInt(sb.length());
      switch (r.nextInt(3)) {
        case 0 -> sb.insert(at, c);
        case 1 -> {
          if (sb.length() > 0) {
            sb.deleteCharAt(at);
          }
        }
        default -> {
          if (sb.length() > 0) {
            sb.setCharAt(at, c);
          }
        }
      }
    }
    return sb.toString();
  }

  private static String word(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(PALETTE.charAt(r.nextInt(PALETTE.length())));
    }
    return sb.toString();
  }

  // --- helpers ---

  /** Four configs, one per source, each with its own frequency (11, 22, 33, 44). */
  private record Sources(Path cli, Path system, Map<String, String> env) {}

  private Sources allSources() throws IOException {
    Path cli = write("cli.conf", "pacha.frequency = 11\n");
    Path fromEnv = write("env.conf", "pacha.frequency = 22\n");
    Path pointed = write("pointed.conf", "pacha.frequency = 33\n");
    Path system = write("etc/pacha/pacha.conf", "pacha.frequency = 44\n");
    ConfigLoader.remember(pointed, env);
    Map<String, String> withEnv =
        Map.of(
            "HOME",
            home.toString(),
            "PACHA_STATE_DIR",
            state.toString(),
            "PACHA_CONFIG",
            fromEnv.toString());
    return new Sources(cli, system, withEnv);
  }

  private PachaConfig read(String body) throws IOException {
    return ConfigLoader.read(write("test.conf", "[DEFAULT]\n" + body), "--config", env);
  }

  private ConfigException assertBad(String body, String... fragments) {
    ConfigException e = assertThrows(ConfigException.class, () -> read(body));
    assertOneLine(e.getMessage());
    assertContains(e.getMessage(), fragments);
    return e;
  }

  private Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private Path resource(String name) throws IOException {
    Path file = tmp.resolve("resource-" + name);
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " is missing");
      }
      Files.copy(in, file);
    }
    return file;
  }

  private static void assertOneLine(String message) {
    assertTrue(message != null && !message.isBlank(), "empty message");
    assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
  }

  private static void assertContains(String message, String... fragments) {
    for (String f : fragments) {
      assertTrue(message.contains(f), "'" + message + "' does not contain '" + f + "'");
    }
  }
}
