package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher (src/main/dist/pacha) under the locales first boot and operators give it: the JVM
 * names non-ASCII files through java.nio whatever the locale, and a hook still sees the caller's
 * locale. Runs {@link LocaleProbe} through the real launcher (PACHA_JAR points it at a jar whose
 * manifest runs the probe on this build's classes).
 */
class LauncherLocaleTest {
  @TempDir Path tmp;
  private Path jar;

  @BeforeEach
  void probeJar() throws Exception {
    PosixTesting.requireTools("env", "sh");
    Files.writeString(tmp.resolve("caf\u00e9"), "x");
    Path hook = tmp.resolve("hook");
    Files.writeString(
        hook,
        "#!/bin/sh\necho \"LC_ALL=${LC_ALL-unset} LANG=${LANG-unset}"
            + " SAVED=${PACHA_SAVED_LC_ALL-unset}\"\n");
    StringBuilder classPath = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(":")) {
      Path p = Path.of(entry).toAbsolutePath();
      classPath.append(p.toUri().toString()).append(' ');
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LocaleProbe.class.getName());
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().strip());
    jar = tmp.resolve("probe.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      // the manifest is all it holds
    }
  }

  private List<String> launch(String... env) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin"));
    cmd.addAll(List.of(env));
    cmd.add("PACHA_JAR=" + jar);
    cmd.add("JAVA_HOME=" + System.getProperty("java.home"));
    cmd.addAll(
        List.of("sh", Path.of("src/main/dist/pacha").toAbsolutePath().toString(), tmp.toString()));
    PosixTesting.Result r = PosixTesting.exec(tmp, cmd);
    assertEquals(0, r.code(), r.output());
    return r.output().lines().toList();
  }

  @Test
  void launcher_noLocaleAtAll_jvmNamesUtf8AndHookSeesNoLocale() throws Exception {
    List<String> out = launch();
    assertTrue(out.contains("jnu=UTF-8"), out::toString);
    assertTrue(out.contains("nio=true"), out::toString);
    assertTrue(out.contains("[hook] LC_ALL=unset LANG=unset SAVED=unset"), out::toString);
  }

  @Test
  void launcher_lcAllC_hookSeesLcAllC() throws Exception {
    List<String> out = launch("LC_ALL=C");
    assertTrue(out.contains("jnu=UTF-8"), out::toString);
    assertTrue(out.contains("nio=true"), out::toString);
    assertTrue(out.contains("[hook] LC_ALL=C LANG=unset SAVED=unset"), out::toString);
  }

  @Test
  void launcher_localeNotInstalled_jvmStillNamesUtf8AndHookSeesTheCallers() throws Exception {
    // de_DE.UTF-8 is not generated on a stock Debian: glibc falls back to C, the JVM to ASCII.
    List<String> out = launch("LANG=de_DE.UTF-8", "LC_ALL=");
    assertTrue(out.contains("jnu=UTF-8"), out::toString);
    assertTrue(out.contains("nio=true"), out::toString);
    assertTrue(out.contains("[hook] LC_ALL= LANG=de_DE.UTF-8 SAVED=unset"), out::toString);
  }
}
