package dev.pacha.posix;

import dev.pacha.Reporter;
import dev.pacha.hooks.HookRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A main for {@link LauncherLocaleTest}, started through the real launcher: what charset the JVM
 * names files with, whether java.nio finds a non-ASCII name, and what a hook run by the real {@link
 * HookRunner} sees of the locale.
 */
public final class LocaleProbe {
  private LocaleProbe() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    System.out.println("jnu=" + System.getProperty("sun.jnu.encoding"));
    System.out.println("nio=" + Files.exists(dir.resolve("caf\u00e9")));
    Reporter out =
        new Reporter() {
          @Override
          public void step(String message) {
            System.out.println(message.strip());
          }

          @Override
          public void warn(String message) {
            System.out.println("warn " + message);
          }
        };
    new HookRunner(Duration.ofSeconds(60), Map.of(), dir, out)
        .run("pre", List.of(dir.resolve("hook")), true);
  }
}
