package dev.pacha.testing;

import dev.pacha.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the pacha command line in-process, as a user would type it. */
public final class PachaCli {
  private final Map<String, String> env = new HashMap<>();

  /** A CLI whose HOME and default state dir lie in {@code sandbox}. */
  public PachaCli(Path sandbox) {
    env.put("HOME", sandbox.resolve("home").toString());
    env.put("PACHA_STATE_DIR", sandbox.resolve("default-state").toString());
    env.put("PATH", System.getenv("PATH"));
  }

  public PachaCli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** What a run printed and returned. */
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public Run run(String... args) {
    return run("", false, args);
  }

  public Run run(String stdin, boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.execute(
            args,
            new Cli.Context(
                Map.copyOf(env),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes()),
                terminal));
    return new Run(code, out.toString(), err.toString());
  }
}
