package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppendOnlyTest {
  static List<String> rel(String path) {
    return path.isEmpty() ? List.of() : Arrays.asList(path.split("/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".latest.tmp-1f2e",
        ".20261203T181500.123Z-9f3a11c2.json.tmp-abc",
        ".P.pack.tmp-0",
        "..tmp-x.tmp-y"
      })
  void isTemp_clientTemporaryName_isTemp(String name) {
    assertTrue(AppendOnly.isTemp(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", ".latest.tmp", "latest.tmp-1", ".tmp-1", "x.json", ".hidden"})
  void isTemp_otherName_isNotTemp(String name) {
    assertFalse(AppendOnly.isTemp(name), name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pacha_pre",
        "pacha_pre/00-persist",
        "pacha_post/x",
        "pre_pacha/x",
        "post_pacha",
        "hooks.json",
        "hooks.json.sig",
        ".hooks.json.tmp-1"
      })
  void refuseCreate_operatorsPaths_isRefused(String path) {
    assertNotNull(AppendOnly.refuseCreate(rel(path)), path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "snapshots",
        "snapshots/.X.json.tmp-1",
        "packs/P.pack",
        "reports/RUN.json",
        "latest",
        "x/pacha_pre"
      })
  void refuseCreate_hostsOwnData_isAllowed(String path) {
    assertNull(AppendOnly.refuseCreate(rel(path)), path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"latest", "snapshots/X.json", "packs/P.pack", "packs/P.idx", "pacha_pre/.x.tmp-1"})
  void refuseRemove_anythingButOwnTemporaryFile_isRefused(String path) {
    assertNotNull(AppendOnly.refuseRemove(rel(path), false), path);
  }

  @Test
  void refuseRemove_ownTemporaryFile_isAllowed_butNotADirectoryOrTheHostsOwn() {
    assertNull(AppendOnly.refuseRemove(rel("packs/.P.pack.tmp-9"), false));
    assertNotNull(AppendOnly.refuseRemove(rel("packs/.P.pack.tmp-9"), true));
    assertNotNull(AppendOnly.refuseRemove(rel(""), true));
  }

  @Test
  void refuseRename_temporaryFileOntoNewName_isAllowed() {
    assertNull(AppendOnly.refuseRename(rel("packs/.P.pack.tmp-1"), rel("packs/P.pack")));
    assertNull(AppendOnly.refuseRename(rel(".latest.tmp-1"), rel("latest")));
  }

  @Test
  void refuseRename_finalFileOrHooks_isRefused() {
    assertNotNull(AppendOnly.refuseRename(rel("packs/P.pack"), rel("packs/Q.pack")));
    assertNotNull(AppendOnly.refuseRename(rel("snapshots"), rel("gone")));
    assertNotNull(AppendOnly.refuseRename(rel(".x.tmp-1"), rel("pacha_pre/00-persist")));
    assertNotNull(AppendOnly.refuseRename(rel(".x.tmp-1"), rel("hooks.json")));
    assertNotNull(AppendOnly.refuseRename(rel(".x.tmp-1"), rel("")));
  }

  @Test
  void mayReplace_onlyFormatOnesLatestPointer() {
    assertTrue(AppendOnly.mayReplace(rel("latest")));
    assertFalse(AppendOnly.mayReplace(rel("snapshots/latest")));
    assertFalse(AppendOnly.mayReplace(rel("packs/P.pack")));
  }
}
