package dev.pacha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.PachaCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of bad input, config and command line alike: each row gets its documented exit code and
 * one line on stderr naming the problem, never a stack trace, and changes nothing.
 */
class BadInputTableTest {
  @TempDir static Path tmp;

  static final String GOOD =
      "[DEFAULT]\npacha.master.url = file:///nonexistent-pacha-master\npacha.hostname = bar\n";

  /** Rows: a config text (null: use none), the arguments, the exit code, a piece of the message. */
  static Stream<Arguments> rows() {
    return Stream.of(
        row("[DEFAULT]\npacha.ssh.port = 0\n", "status", 2, "pacha.ssh.port = 0"),
        row("[DEFAULT]\npacha.ssh.port = 70000\n", "status", 2, "1 to 65535"),
        row("[DEFAULT]\npacha.ssh.port = abc\n", "status", 2, "pacha.ssh.port = abc"),
        row("[DEFAULT]\npacha.frequency = abc\n", "status", 2, "pacha.frequency = abc"),
        row("[DEFAULT]\npacha.ssh.prot = 22\n", "status", 2, "did you mean pacha.ssh.port"),
        row("[DEFAULT]\npacha.hosts.path = relative/path\n", "status", 2, "absolute path"),
        row("[DEFAULT]\npacha.master = maybe\n", "status", 2, "True or False"),
        row(
            "[DEFAULT]\npacha.ssh.host_key_checking = sometimes\n",
            "status",
            2,
            "yes, accept-new, no"),
        row(
            "[DEFAULT]\npacha.rebuild.missing_owner = ignore\n",
            "status",
            2,
            "skip, numeric, fail"),
        row("[DEFAULT]\npacha.hooks.timeout = 0\n", "status", 2, "pacha.hooks.timeout = 0"),
        row("[DEFAULT]\npacha.master.url = ftp://x/y\n", "status", 2, "scheme 'ftp'"),
        row("[DEFAULT]\npacha.hostname = bar baz\n", "status", 2, "pacha.hostname = bar baz"),
        row("[DEFAULT]\npacha.log.level = LOUD\n", "status", 2, "pacha.log.level = LOUD"),
        row("[DEFAULT]\npacha.boot.on_failure = panic\n", "status", 2, "degrade or fail"),
        row(
            "[DEFAULT]\npacha.boot.secrets = vault:/x\n",
            "status",
            2,
            "pacha.boot.secrets = vault:/x"),
        row("[DEFAULT]\npacha.boot.deadline = -1\n", "status", 2, "pacha.boot.deadline = -1"),
        row("[DEFAULT]\npacha.ssh.port = 22\npacha.ssh.port = 23\n", "status", 2, "is set 2 times"),
        row("[DEFAULT]\npacha.state.dir = state\n", "status", 2, "pacha.state.dir = state"),
        row("[other]\npacha.host = m\n", "status", 2, "[other]"),
        row(null, "--config /nonexistent/pacha.conf status", 2, "does not exist"),
        row(GOOD, "--bogus", 2, "Unknown option"),
        row(GOOD, "frobnicate", 2, "frobnicate"),
        row(GOOD, "--rebuild bar --watch", 2, "choose one of"),
        row(GOOD, "--rebuild ../x --yes", 2, "host name '../x' is not valid"),
        row(GOOD, "--yes", 2, "rebuild options need --rebuild HOST"),
        row(GOOD, "rebuild bar", 2, "add --yes"),
        row(GOOD, "rebuild bar --json", 2, "--json needs --yes"),
        row(GOOD, "rebuild", 2, "HOST"),
        row(GOOD, "log", 2, "HOST"),
        row(GOOD, "daemon wobble", 2, "unknown daemon action 'wobble'"),
        row(GOOD, "push", 2, "nothing is tracked yet"),
        row(GOOD, "watch /nonexistent/dir", 2, "does not exist"),
        row(GOOD, "--watch-single /etc", 2, "is a directory"),
        row(GOOD, "cloud-init render --host bar -o x", 2, "--known-hosts"),
        row(GOOD, "master serve --hosts-path /tmp/x --port 70000", 2, "--port must be 0 to 65535"),
        row(null, "master serve --hosts-path /tmp/x --max-startups 0", 2, "--max-startups must"),
        row(null, "master serve --port 2222", 2, "give --hosts-path DIR"),
        row(
            null,
            "master serve --hosts-path /tmp/x --login-grace-time soon",
            2,
            "'soon' is not a duration"),
        row(
            "[DEFAULT]\npacha.serve.max_startups = 0\n",
            "status",
            2,
            "pacha.serve.max_startups = 0"),
        row(
            "[DEFAULT]\npacha.serve.login_grace_time = 1m\n",
            "status",
            2,
            "pacha.serve.login_grace_time = 1m"),
        row(GOOD, "verify bar", 3, "does not exist"),
        row(GOOD, "rebuild bar --yes --target-root /tmp/nope", 3, "does not exist"));
  }

  private static Arguments row(String config, String args, int code, String message) {
    return Arguments.of(config, args, code, message);
  }

  @ParameterizedTest(name = "[{index}] {1} -> exit {2}")
  @MethodSource("rows")
  void execute_badInput_documentedExitCodeAndOneClearLine(
      String config, String args, int code, String message) throws Exception {
    Path sandbox = Files.createTempDirectory(tmp, "row");
    List<String> argv = new ArrayList<>();
    if (config != null) {
      Path file = Files.writeString(sandbox.resolve("pacha.conf"), config);
      argv.add("--config");
      argv.add(file.toString());
    }
    argv.addAll(List.of(args.split(" ")));
    PachaCli.Run r = new PachaCli(sandbox).run(argv.toArray(String[]::new));

    assertEquals(code, r.code(), r::toString);
    assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r);
    assertTrue(r.err().startsWith("pacha: "), r::toString);
    assertEquals(
        1,
        r.err().strip().lines().filter(l -> !l.startsWith("pacha: warning:")).count(),
        "one line: " + r);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    assertFalse(Files.exists(sandbox.resolve("x")), "nothing written");
  }
}
