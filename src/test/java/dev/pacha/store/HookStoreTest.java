package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pacha.Reporter;
import dev.pacha.hooks.HookPhase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookStoreTest {
  @TempDir Path tmp;
  StoreFixture f;

  @BeforeEach
  void fixture() throws Exception {
    f = new StoreFixture(tmp);
  }

  @Test
  void list_bothSpellingsAndADotFile_runOrderFirstSpellingWins() throws Exception {
    Path pre = Files.createDirectories(f.master.resolve("bar/pacha_pre"));
    Path legacy = Files.createDirectories(f.master.resolve("bar/pre_pacha"));
    Files.writeString(pre.resolve("20-b"), "#!/bin/sh\n");
    Files.writeString(pre.resolve(".10-a.swp"), "junk");
    Files.writeString(legacy.resolve("10-a"), "#!/bin/sh\n");
    Files.writeString(legacy.resolve("20-b"), "#!/bin/sh\necho shadowed\n");

    Map<String, String> hooks = f.bar().hooks().list(HookPhase.PRE);

    assertEquals(List.of("10-a", "20-b"), List.copyOf(hooks.keySet()));
    assertEquals("pre_pacha/10-a", hooks.get("10-a"));
    assertEquals("pacha_pre/20-b", hooks.get("20-b"));
    assertEquals(Map.of(), f.bar().hooks().list(HookPhase.POST));
  }

  @Test
  void replace_thenRead_uploadsInRunOrderAndReadsBack() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("post"));
    Files.writeString(src.resolve("b"), "#!/bin/sh\necho b\n");
    Files.writeString(src.resolve("B"), "#!/bin/sh\necho B\n");
    Files.createDirectories(src.resolve("dir"));

    HookStore.HookUpload up = f.bar().hooks().replace(HookPhase.POST, src, Reporter.silent());

    assertEquals("pacha_post", up.dir());
    assertEquals(List.of("B", "b"), up.uploaded());
    assertEquals(1, up.skipped().size(), "the directory");
    assertEquals(
        "#!/bin/sh\necho b\n",
        new String(f.bar().hooks().read("pacha_post/b"), StandardCharsets.UTF_8));
  }
}
