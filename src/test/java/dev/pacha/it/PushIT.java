package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.OpenSshServer;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing to a real OpenSSH sshd on loopback through pacha's JSch client. */
class PushIT {
  @TempDir Path tmp;
  OpenSshServer sshd;
  PachaCli pacha;
  Path sandbox;
  Path master;
  Path config;

  @BeforeEach
  void start() throws Exception {
    sshd = OpenSshServer.start(tmp.resolve("sshd"));
    pacha = new PachaCli(tmp);
    sandbox = tmp.resolve("sandbox");
    master = tmp.resolve("master");
    Files.createDirectories(master);
    config = sshd.config(tmp.resolve("pacha.conf"), "bar", master, tmp.resolve("state"));
  }

  @AfterEach
  void stop() throws Exception {
    sshd.close();
  }

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private PachaCli.Run watch(Path cfg, Path dir) {
    return pacha.run(
        "--config", cfg.toString(), "--watch", dir.toString(), "--target-root", sandbox.toString());
  }

  private Path makeTree(int files) throws Exception {
    Path foo = sandbox.resolve("opt/foo");
    Random random = new Random(42);
    for (int i = 0; i < files; i++) {
      Path f = foo.resolve("d" + (i % 20)).resolve("file-" + i + ".conf");
      Files.createDirectories(f.getParent());
      byte[] content = new byte[100 + random.nextInt(4000)];
      random.nextBytes(content);
      Files.write(f, content);
    }
    return foo;
  }

  @Test
  void watch_thousandFiles_pushesEachContentOnceAndOnlyTheChangedFileAfter() throws Exception {
    Path foo = makeTree(1000);
    PachaCli.Run first = watch(config, foo);
    assertEquals(0, first.code(), first::toString);
    assertTrue(first.out().contains("1000 new contents"), first::toString);

    Path changed = foo.resolve("d7/file-7.conf");
    Files.writeString(changed, "changed content, 31 bytes long\n");
    PachaCli.Run second = pacha.run("--config", config.toString(), "push", "--json");
    assertEquals(0, second.code(), second::toString);
    JsonNode r = json(second.out());
    assertEquals(1, r.get("uploadedObjects").asInt(), second::toString);
    assertEquals(31, r.get("uploadedBytes").asLong());
    assertEquals(999, r.get("reusedObjects").asInt());
    // On the master: the second pack holds exactly the one changed file.
    List<Path> packs;
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      packs = s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
    }
    assertEquals(2, packs.size());
    assertEquals(31, Files.size(packs.get(1)));

    PachaCli.Run log = pacha.run("--config", config.toString(), "log", "bar", "--json");
    assertEquals(2, json(log.out()).size(), log::toString);

    PachaCli.Run verify = pacha.run("--config", config.toString(), "verify", "bar", "--all");
    assertEquals(0, verify.code(), verify::toString);
    assertTrue(verify.out().contains("ok "), verify::toString);
  }

  @Test
  void push_unchangedTree_isToldByTheFingerprintElseByTheLastManifest() throws Exception {
    Path foo = makeTree(20);
    assertEquals(0, watch(config, foo).code());
    Path fingerprint = tmp.resolve("state/last-push.fingerprint");
    String saved = Files.readString(fingerprint);
    assertTrue(saved.matches("\\S+ [0-9a-f]{64}\n"), saved);

    PachaCli.Run same = pacha.run("--config", config.toString(), "push");
    assertTrue(same.out().contains("Nothing changed since snapshot"), same::toString);
    // No fingerprint (a state dir from an older pacha), or a damaged one: the last manifest says.
    Files.delete(fingerprint);
    PachaCli.Run noFile = pacha.run("--config", config.toString(), "push");
    assertTrue(noFile.out().contains("Nothing changed since snapshot"), noFile::toString);
    Files.writeString(fingerprint, "not a fingerprint\n");
    PachaCli.Run damaged = pacha.run("--config", config.toString(), "push");
    assertTrue(damaged.out().contains("Nothing changed since snapshot"), damaged::toString);
    assertEquals(
        1, json(pacha.run("--config", config.toString(), "log", "bar", "--json").out()).size());

    // The fingerprint is what is compared: another one for the same snapshot means a change.
    Files.writeString(fingerprint, saved.split(" ")[0] + " " + "0".repeat(64) + "\n");
    PachaCli.Run stale = pacha.run("--config", config.toString(), "push");
    assertTrue(stale.out().contains("Pushed snapshot"), stale::toString);
    // A mode change alone is a change, and the push saves the new fingerprint.
    Files.setPosixFilePermissions(
        foo.resolve("d3/file-3.conf"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    PachaCli.Run mode = pacha.run("--config", config.toString(), "push");
    assertTrue(mode.out().contains("Pushed snapshot"), mode::toString);
    assertTrue(pacha.run("--config", config.toString(), "push").out().contains("Nothing changed"));
    assertEquals(
        3, json(pacha.run("--config", config.toString(), "log", "bar", "--json").out()).size());
  }

  @Test
  void push_localCopyOfTheManifestCannotBeWritten_pushesAndWritesItAfter() throws Exception {
    Path foo = makeTree(5);
    assertEquals(0, watch(config, foo).code());
    // The push writes its state copy of the manifest as it sends it; make that file impossible.
    Path copy = Files.createDirectory(tmp.resolve("state/last-push.json.copy"));
    Files.writeString(foo.resolve("d1/file-1.conf"), "new\n");
    PachaCli.Run push = pacha.run("--config", config.toString(), "push", "--json");
    assertEquals(0, push.code(), push::toString);
    String id = json(push.out()).get("snapshot").asText();
    assertEquals(
        json(Files.readString(master.resolve("bar/snapshots/" + id + ".json"))),
        json(Files.readString(tmp.resolve("state/last-push.json"))),
        "the state holds the pushed manifest");
    assertFalse(Files.exists(copy), "the failed copy is cleaned up");
    assertTrue(pacha.run("--config", config.toString(), "push").out().contains("Nothing changed"));
  }

  @Test
  void verify_flippedByteInStoredObject_exitsFourNamingTheFile() throws Exception {
    Path foo = makeTree(50);
    assertEquals(
        0,
        pacha
            .run(
                "--config",
                config.toString(),
                "--watch",
                foo.toString(),
                "--target-root",
                sandbox.toString())
            .code());
    Path pack;
    try (Stream<Path> s = Files.list(master.resolve("bar/packs"))) {
      pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(pack);
    bytes[10] ^= 0x01; // inside the first object of the pack
    Files.write(pack, bytes);

    PachaCli.Run verify = pacha.run("--config", config.toString(), "verify", "bar");
    assertEquals(4, verify.code(), verify::toString);
    assertTrue(verify.err().contains("/opt/foo/"), verify::toString);
    assertTrue(verify.err().contains("does not match its sha256"), verify::toString);
    assertFalse(verify.err().contains("\tat "), "no stack trace");
  }

  @Test
  void push_sameBasenameInTwoRoots_bothKeptApart() throws Exception {
    Path a = sandbox.resolve("opt/app/conf");
    Path b = sandbox.resolve("srv/web/conf");
    Files.createDirectories(a);
    Files.createDirectories(b);
    Files.writeString(a.resolve("x"), "from app\n");
    Files.writeString(b.resolve("x"), "from web\n");
    assertEquals(
        0,
        pacha
            .run(
                "--config",
                config.toString(),
                "watch",
                a.toString(),
                "--target-root",
                sandbox.toString())
            .code());
    PachaCli.Run r =
        pacha.run(
            "--config",
            config.toString(),
            "watch",
            b.toString(),
            "--target-root",
            sandbox.toString());
    assertEquals(0, r.code(), r::toString);
    String manifest;
    try (Stream<Path> s = Files.list(master.resolve("bar/snapshots"))) {
      manifest = Files.readString(s.sorted().reduce((x, y) -> y).orElseThrow());
    }
    assertTrue(manifest.contains("\"/opt/app/conf/x\""), manifest);
    assertTrue(manifest.contains("\"/srv/web/conf/x\""), manifest);
  }

  @Test
  void push_fifoInTree_isReportedAndTheRestIsPushed() throws Exception {
    Path foo = makeTree(3);
    Tools.run(foo, "mkfifo", "pipe");
    PachaCli.Run r = watch(config, foo);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("/opt/foo/pipe") && r.err().contains("named pipe"), r::toString);
    assertTrue(r.out().contains("3 new contents"), r::toString);
    assertTrue(r.out().contains("1 entries were skipped"), r::toString);
  }

  @Test
  void push_unknownHostKey_refusedWithFingerprintAndNothingWritten() throws Exception {
    Path foo = makeTree(3);
    Files.writeString(tmp.resolve("empty_known_hosts"), "");
    Path cfg =
        sshd.config(
            tmp.resolve("unknown.conf"),
            "bar",
            master,
            tmp.resolve("state2"),
            "pacha.ssh.known_hosts = " + tmp.resolve("empty_known_hosts"));
    PachaCli.Run r = watch(cfg, foo);
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().contains("SHA256:"), r::toString);
    assertTrue(r.err().contains("not in"), r::toString);
    assertFalse(Files.exists(master.resolve("bar")), "no data sent");
  }

  @Test
  void push_changedHostKey_refused() throws Exception {
    Path foo = makeTree(3);
    Path other = tmp.resolve("other_key");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    String[] pub = Files.readString(Path.of(other + ".pub")).trim().split(" ");
    Path kh = tmp.resolve("wrong_known_hosts");
    Files.writeString(kh, "[127.0.0.1]:" + sshd.port() + " " + pub[0] + " " + pub[1] + "\n");
    Path cfg =
        sshd.config(
            tmp.resolve("wrong.conf"),
            "bar",
            master,
            tmp.resolve("state3"),
            "pacha.ssh.known_hosts = " + kh);
    PachaCli.Run r = watch(cfg, foo);
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().startsWith("pacha: HOST KEY CHANGED: "), r::toString);
    assertTrue(r.err().contains(kh + " line 1 pins ssh-ed25519"), r::toString);
    assertFalse(Files.exists(master.resolve("bar")), "no data sent");
  }

  @Test
  void push_acceptNew_pinsTheKeyOnFirstUse() throws Exception {
    Path foo = makeTree(3);
    Path kh = tmp.resolve("fresh/known_hosts");
    Path cfg =
        sshd.config(
            tmp.resolve("new.conf"),
            "bar",
            master,
            tmp.resolve("state4"),
            "pacha.ssh.host_key_checking = accept-new",
            "pacha.ssh.known_hosts = " + kh);
    PachaCli.Run r = watch(cfg, foo);
    assertEquals(0, r.code(), r::toString);
    // The master's key, under its name or (ssh's HashKnownHosts) a hash of it.
    String key = Files.readString(sshd.hostKeyPub()).split(" ")[1];
    assertTrue(Files.readString(kh).contains(key), "the key was pinned");
  }

  @Test
  void push_keyNotAccepted_exitsThreeSayingWhatToDo() throws Exception {
    Path foo = makeTree(3);
    Path stranger = tmp.resolve("stranger");
    Tools.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
    Path cfg =
        sshd.config(
            tmp.resolve("stranger.conf"),
            "bar",
            master,
            tmp.resolve("state5"),
            "pacha.ssh.identity = " + stranger);
    PachaCli.Run r = watch(cfg, foo);
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().contains("refused the key"), r::toString);
  }
}
