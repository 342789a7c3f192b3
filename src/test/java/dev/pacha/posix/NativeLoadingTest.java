package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the native layer where pacha's first boot runs: an empty environment ({@code env -i}: no
 * HOME, no locale) and a temp dir on a file system mounted noexec (a tmpfs mounted for the test, as
 * root). Each case is a fresh JVM running {@link NativeProbe}.
 */
class NativeLoadingTest {
  @TempDir Path tmp;
  private Path noexec;
  private Path names;

  @BeforeEach
  void mounts() throws Exception {
    PosixTesting.requireRoot();
    PosixTesting.requireTools("mount", "umount", "env");
    noexec = Files.createDirectory(tmp.resolve("noexec"));
    PosixTesting.run(
        tmp, "mount", "-t", "tmpfs", "-o", "size=4m,noexec,mode=0755", "tmpfs", noexec.toString());
    names = Files.createDirectory(tmp.resolve("names"));
    // a name that is not UTF-8, made by the shell
    PosixTesting.run(names, "sh", "-c", "touch \"$(printf 'caf\\351')\"");
  }

  @AfterEach
  void unmount() throws Exception {
    PosixTesting.exec(tmp, List.of("umount", noexec.toString()));
  }

  private PosixTesting.Result probe(String... envAndProps) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "-i"));
    List<String> props = new ArrayList<>();
    for (String s : envAndProps) {
      (s.startsWith("-D") ? props : cmd).add(s);
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(props);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            NativeProbe.class.getName(),
            names.toString()));
    return PosixTesting.exec(tmp, cmd);
  }

  @Test
  void load_emptyEnvironmentAndNoexecTmp_loadsAndReadsNamesAsBytes() throws Exception {
    PosixTesting.Result r = probe("-Djava.io.tmpdir=" + noexec);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("name 636166e9"), r.output());
    String from =
        r.output().lines().filter(l -> l.startsWith("loaded from ")).findFirst().orElseThrow();
    assertFalse(from.contains(noexec.toString()), from);
  }

  @Test
  void load_onlyANoexecDir_failsWithOneLineSayingSo() throws Exception {
    PosixTesting.Result r = probe("PACHA_NATIVE_DIR=" + noexec);
    assertEquals(1, r.code(), r.output());
    assertEquals(1, r.output().strip().lines().count(), r.output());
    assertTrue(
        r.output()
            .startsWith(
                "pacha: cannot load JNA's native library libjnidispatch.so from "
                    + noexec
                    + " (mounted noexec"),
        r.output());
    assertTrue(r.output().strip().endsWith("on a file system mounted without noexec"), r.output());
  }

  @Test
  void load_noexecDirFirst_fallsThroughToTheNextDir() throws Exception {
    Path ok = Files.createDirectory(tmp.resolve("ok"));
    PosixTesting.Result r = probe("PACHA_NATIVE_DIR=" + noexec + ":" + ok);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("loaded from " + ok + "/jna-"), r.output());
    assertTrue(r.output().contains("name 636166e9"), r.output());
  }

  @Test
  void load_dirWritableByOthers_isNotTrusted() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"));
    PosixTesting.run(tmp, "chmod", "0777", open.toString());
    PosixTesting.Result r = probe("PACHA_NATIVE_DIR=" + open);
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains(open + " (" + open + " is writable by others)"), r.output());
  }
}
