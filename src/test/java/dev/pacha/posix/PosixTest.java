package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native layer against the real kernel, judged by the real tools (stat, getfattr, getfacl,
 * getcap, find, du): as root, on a temp dir, and on tmpfs and ramfs mounts made for the test.
 */
class PosixTest {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    PosixTesting.requireRoot();
    PosixTesting.requireTools("setfattr", "getfattr", "setfacl", "getfacl", "setcap", "getcap");
  }

  private Dir dir() throws IOException {
    return Posix.openDir(tmp.toString());
  }

  private String sh(String... cmd) throws Exception {
    return new String(PosixTesting.run(tmp, cmd), StandardCharsets.UTF_8).strip();
  }

  @Test
  void names_nonUtf8AndLongNames_roundTripByteForByte() throws Exception {
    String e9 = PathBytes.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9});
    String ff = PathBytes.decode(new byte[] {(byte) 0xFF, 'x'});
    byte[] longBytes = new byte[250];
    Arrays.fill(longBytes, (byte) 'n');
    longBytes[100] = (byte) 0xE9;
    String longName = PathBytes.decode(longBytes);
    try (Dir d = dir()) {
      for (String name : List.of(e9, ff, longName)) {
        d.create(name, 0600).close();
      }
      d.mkdir("sub", 0755);
      // one made by the shell, read back by us
      PosixTesting.run(tmp, "sh", "-c", "touch \"$(printf 'sub/\\351t\\303\\251')\"");
      try (Dir sub = d.openDir("sub")) {
        assertEquals(
            List.of(PathBytes.decode(new byte[] {(byte) 0xE9, 't', (byte) 0xC3, (byte) 0xA9})),
            sub.list());
      }
      assertEquals(Set.of(e9, ff, longName, "sub"), new TreeSet<>(d.list()));
    }
    // find prints the raw bytes of each name, NUL-terminated
    byte[] raw =
        PosixTesting.run(tmp, "find", ".", "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0");
    Set<String> found = new TreeSet<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        found.add(PathBytes.decode(Arrays.copyOfRange(raw, start, i)));
        start = i + 1;
      }
    }
    assertEquals(Set.of(e9, ff, longName, "sub"), found);
    assertTrue(Files.exists(tmp.resolve("sub")));
  }

  @Test
  void lstat_file_matchesStat() throws Exception {
    Files.writeString(tmp.resolve("f"), "hello");
    PosixTesting.run(tmp, "chmod", "4751", "f");
    PosixTesting.run(tmp, "chown", "65534:65534", "f");
    PosixTesting.run(tmp, "touch", "-h", "-d", "2021-02-03 04:05:06.123456789 UTC", "f");
    try (Dir d = dir()) {
      Stat s = d.lstat("f");
      String[] want = sh("stat", "-c", "%a %u %g %s %i %h %Y %d %b", "f").split(" ");
      assertEquals(FileType.FILE, s.type());
      assertEquals(want[0], Integer.toOctalString(s.mode()));
      assertEquals(want[1], String.valueOf(s.uid()));
      assertEquals(want[2], String.valueOf(s.gid()));
      assertEquals(want[3], String.valueOf(s.size()));
      assertEquals(want[4], String.valueOf(s.ino()));
      assertEquals(want[5], String.valueOf(s.nlink()));
      assertEquals(want[6], String.valueOf(s.mtimeSec()));
      assertEquals(123456789, s.mtimeNsec());
      assertEquals(want[7], String.valueOf(s.dev()));
      assertEquals(want[8], String.valueOf(s.blocks()));
      assertEquals(Instant.parse("2021-02-03T04:05:06.123456789Z"), s.mtime());
    }
  }

  @Test
  void xattrs_userTrustedSelinux_copyToAnotherFile() throws Exception {
    Files.writeString(tmp.resolve("a"), "a");
    Files.writeString(tmp.resolve("b"), "b");
    PosixTesting.run(tmp, "setfattr", "-n", "user.colour", "-v", "blue", "a");
    PosixTesting.run(tmp, "setfattr", "-n", "trusted.origin", "-v", "0x00ff10", "a");
    PosixTesting.run(
        tmp, "setfattr", "-n", "security.selinux", "-v", "system_u:object_r:etc_t:s0", "a");
    try (Dir d = dir()) {
      List<Xattr> xs = d.xattrs("a");
      assertEquals(
          List.of("security.selinux", "trusted.origin", "user.colour"),
          xs.stream().map(Xattr::name).toList());
      assertArrayEquals(
          new byte[] {0, (byte) 0xff, 0x10}, d.getXattr("a", "trusted.origin").orElseThrow());
      for (Xattr x : xs) {
        d.setXattr("b", x.name(), x.value());
      }
      try (OpenFile b = d.openRead("b")) {
        assertEquals(xs, b.xattrs());
      }
      assertTrue(d.removeXattr("b", "user.colour"));
      assertFalse(d.removeXattr("b", "user.colour"));
      assertTrue(d.getXattr("b", "user.colour").isEmpty());
      d.setXattr("b", "user.colour", "blue".getBytes(StandardCharsets.US_ASCII));
    }
    String dump = "getfattr -d -m - -e hex --absolute-names ";
    assertEquals(sh("sh", "-c", dump + "a | tail -n +2"), sh("sh", "-c", dump + "b | tail -n +2"));
    assertTrue(sh("getfattr", "-n", "security.selinux", "--only-values", "b").contains("etc_t"));
  }

  @Test
  void entries_manyMoreThanOneGetdentsBuffer_allListedWithTypes() throws Exception {
    int n = 3000;
    try (Dir d = dir()) {
      for (int i = 0; i < n; i++) {
        d.create("file-with-a-longish-name-" + i, 0600).close();
      }
      d.mkdir("dir", 0755);
      d.symlink("x", "link");
      List<DirEntry> entries = d.entries();
      assertEquals(n + 2, entries.size());
      assertEquals(n + 2, new TreeSet<>(d.list()).size());
      assertEquals(
          FileType.DIR,
          entries.stream().filter(e -> e.name().equals("dir")).findFirst().orElseThrow().type());
      assertEquals(
          FileType.SYMLINK,
          entries.stream().filter(e -> e.name().equals("link")).findFirst().orElseThrow().type());
      assertEquals(
          d.lstat("dir").ino(),
          entries.stream().filter(e -> e.name().equals("dir")).findFirst().orElseThrow().ino());
    }
  }

  @Test
  void xattrs_onSymlink_areTheLinksOwnNotItsTargets() throws Exception {
    Files.writeString(tmp.resolve("target"), "t");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("target"));
    PosixTesting.run(tmp, "setfattr", "-h", "-n", "trusted.l", "-v", "link", "link");
    try (Dir d = dir()) {
      assertEquals(List.of("trusted.l"), d.xattrNames("link"));
      assertTrue(d.xattrs("target").isEmpty());
      assertEquals(
          List.of("trusted.l"),
          Posix.xattrs(tmp.resolve("link").toString()).stream().map(Xattr::name).toList());
    }
  }

  @Test
  void acls_accessAndDefault_copiedAsXattrs() throws Exception {
    Files.createDirectories(tmp.resolve("from"));
    Files.createDirectories(tmp.resolve("to"));
    PosixTesting.run(tmp, "setfacl", "-m", "u:nobody:rx,g:adm:r", "from");
    PosixTesting.run(tmp, "setfacl", "-d", "-m", "u:nobody:rwx", "from");
    try (Dir d = dir();
        Dir from = d.openDir("from");
        Dir to = d.openDir("to")) {
      List<Xattr> acls = from.xattrs();
      assertEquals(
          List.of("system.posix_acl_access", "system.posix_acl_default"),
          acls.stream().map(Xattr::name).toList());
      assertTrue(acls.stream().allMatch(Xattr::isAcl));
      for (Xattr x : acls) {
        to.setXattr(x.name(), x.value());
      }
    }
    assertEquals(
        sh("getfacl", "-p", "--omit-header", "from"), sh("getfacl", "-p", "--omit-header", "to"));
    assertTrue(sh("getfacl", "-p", "--omit-header", "to").contains("default:user:nobody:rwx"));
  }

  @Test
  void capability_copied_getcapSeesIt() throws Exception {
    Files.writeString(tmp.resolve("ping"), "#!/bin/sh\n");
    Files.writeString(tmp.resolve("copy"), "#!/bin/sh\n");
    PosixTesting.run(tmp, "setcap", "cap_net_raw+ep", "ping");
    try (Dir d = dir();
        OpenFile copy = d.openRead("copy")) {
      byte[] cap = d.getXattr("ping", "security.capability").orElseThrow();
      copy.setXattr("security.capability", cap);
    }
    assertEquals("copy cap_net_raw=ep", sh("getcap", "copy"));
  }

  @Test
  void mknod_fifoAndCharDevice_statSeesThem() throws Exception {
    try (Dir d = dir()) {
      d.mkfifo("pipe", 0640);
      d.mknod("null", FileType.CHAR, 0666, 1, 3);
      d.chmod("pipe", 0640); // past the umask
      d.chmod("null", 0666);
      Stat n = d.lstat("null");
      assertEquals(FileType.CHAR, n.type());
      assertEquals("1:3", n.rdevText());
      assertEquals(FileType.FIFO, d.lstat("pipe").type());
      // opening a FIFO for reading would block: openRead refuses it without blocking
      PosixException e = assertThrows(PosixException.class, () -> d.openRead("pipe"));
      assertTrue(e.getMessage().contains("not a regular file (a fifo)"), e.getMessage());
    }
    assertEquals("fifo 640", sh("stat", "-c", "%F %a", "pipe"));
    assertEquals("character special file 1 3 666", sh("stat", "-c", "%F %t %T %a", "null"));
  }

  @Test
  void setTimes_symlink_keepsNanosecondsAndLeavesTheTarget() throws Exception {
    Files.writeString(tmp.resolve("target"), "t");
    String before = sh("stat", "-c", "%y", "target");
    Instant t = Instant.parse("2020-01-02T03:04:05.123456789Z");
    try (Dir d = dir()) {
      d.symlink("target", "link");
      d.setTimes("link", t, t);
      assertEquals(t, d.lstat("link").mtime());
      assertEquals(FileType.SYMLINK, d.lstat("link").type());
      assertEquals("target", d.readlink("link"));
    }
    assertEquals(
        "2020-01-02 03:04:05.123456789 +0000", sh("env", "TZ=UTC", "stat", "-c", "%y", "link"));
    assertEquals(before, sh("stat", "-c", "%y", "target"));
  }

  @Test
  void chown_symlink_changesTheLinkNotItsTarget() throws Exception {
    Files.writeString(tmp.resolve("target"), "t");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("target"));
    try (Dir d = dir()) {
      d.chown("link", 65534, 65534);
    }
    assertEquals(
        "65534 0", sh("sh", "-c", "stat -c %u link; stat -c %u target").replace('\n', ' '));
  }

  @Test
  void sparseFile_extentsFoundAndCopyStaysSmall() throws Exception {
    Path big = tmp.resolve("big");
    PosixTesting.run(tmp, "truncate", "-s", "256M", "big");
    PosixTesting.run(tmp, "sh", "-c", "printf head | dd of=big conv=notrunc status=none");
    PosixTesting.run(
        tmp, "sh", "-c", "printf middle | dd of=big bs=1M seek=100 conv=notrunc status=none");
    PosixTesting.run(
        tmp, "sh", "-c", "printf tail | dd of=big bs=1 seek=268435452 conv=notrunc status=none");
    try (Dir d = dir();
        OpenFile in = d.openRead("big");
        OpenFile out = d.create("copy", 0600)) {
      List<Extent> data = in.dataExtents();
      assertEquals(3, data.size(), data::toString);
      assertEquals(0, data.get(0).offset());
      assertTrue(data.get(1).offset() <= 100L << 20 && data.get(1).end() > (100L << 20) + 6);
      assertEquals(256L << 20, data.get(2).end());
      long total = data.stream().mapToLong(Extent::length).sum();
      assertTrue(total < 1 << 20, "data " + total);
      assertEquals(total, in.copyTo(out));
    }
    PosixTesting.run(tmp, "cmp", "big", "copy");
    long blocks = Long.parseLong(sh("stat", "-c", "%b", "copy"));
    long kib = Long.parseLong(sh("du", "-k", "copy").split("\\s+")[0]);
    assertEquals(268435456L, Files.size(tmp.resolve("copy")));
    assertTrue(blocks * 512 < 1 << 20, "copy allocates " + blocks + " blocks");
    assertTrue(kib < 1024, "du says " + kib + " KiB");
    assertTrue(Files.size(big) > 0);
  }

  @Test
  void contents_throughChannelAndJna_readAndWriteTheSameBytes() throws Exception {
    byte[] data = new byte[300_000];
    new java.util.Random(7).nextBytes(data);
    try (Dir d = dir()) {
      try (OpenFile f = d.create("data", 0600)) {
        f.writeFully(ByteBuffer.wrap(data, 0, 1000), 0);
        try (FileChannel ch = f.channel()) {
          ch.write(ByteBuffer.wrap(data, 1000, data.length - 1000), 1000);
        }
        f.fsync();
        f.syncfs();
      }
      try (OpenFile f = d.openRead("data")) {
        ByteBuffer viaJna = ByteBuffer.allocateDirect(data.length + 10);
        while (f.read(viaJna) > 0) {}
        assertEquals(data.length, viaJna.position());
        byte[] got = new byte[data.length];
        viaJna.flip().get(got);
        assertArrayEquals(data, got);
        ByteBuffer viaChannel = ByteBuffer.allocate(data.length);
        try (FileChannel ch = f.channel()) {
          while (ch.read(viaChannel) > 0) {}
        }
        assertArrayEquals(data, viaChannel.array());
      }
    }
    assertArrayEquals(data, Files.readAllBytes(tmp.resolve("data")));
  }

  @Test
  void renameat2_noreplaceRefusesAndExchangeSwaps() throws Exception {
    try (Dir d = dir()) {
      d.mkdir("old", 0755);
      d.mkdir("new", 0755);
      d.create("x", 0600).close();
      try (Dir old = d.openDir("old");
          Dir neu = d.openDir("new")) {
        old.create("from-old", 0600).close();
        neu.create("from-new", 0600).close();
      }
      FileAlreadyExistsException e =
          assertThrows(
              FileAlreadyExistsException.class,
              () -> d.rename("x", d, "new", RenameMode.NOREPLACE));
      assertEquals(Errno.EEXIST, Errno.of(e));
      d.rename("new", d, "old", RenameMode.EXCHANGE);
      d.rename("x", d, "y", RenameMode.NOREPLACE);
    }
    assertTrue(Files.exists(tmp.resolve("old/from-new")));
    assertTrue(Files.exists(tmp.resolve("new/from-old")));
    assertTrue(Files.exists(tmp.resolve("y")));
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void linkat_givesTheSameInode() throws Exception {
    try (Dir d = dir()) {
      d.mkdir("other", 0755);
      d.create("first", 0600).close();
      try (Dir other = d.openDir("other")) {
        d.link("first", other, "second");
        assertEquals(d.lstat("first").ino(), other.lstat("second").ino());
        assertEquals(2, other.lstat("second").nlink());
      }
    }
    assertEquals(sh("stat", "-c", "%i", "first"), sh("stat", "-c", "%i", "other/second"));
  }

  @Test
  void symlinks_neverFollowed() throws Exception {
    Files.createDirectories(tmp.resolve("real"));
    Files.writeString(tmp.resolve("real/secret"), "s");
    Files.createSymbolicLink(tmp.resolve("dirlink"), Path.of("real"));
    Files.createSymbolicLink(tmp.resolve("filelink"), Path.of("real/secret"));
    try (Dir d = dir()) {
      PosixException e = assertThrows(PosixException.class, () -> d.openDir("dirlink"));
      assertTrue(e.isSymlink());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "dirlink: cannot open directory: is a symbolic link (not followed) (ELOOP)"),
          e.getMessage());
      assertTrue(assertThrows(PosixException.class, () -> d.openRead("filelink")).isSymlink());
      assertThrows(FileAlreadyExistsException.class, () -> d.create("filelink", 0600));
      assertThrows(IllegalArgumentException.class, () -> d.lstat(".."));
      assertThrows(IllegalArgumentException.class, () -> d.lstat("real/secret"));
      try (Dir real = d.walk("real")) {
        assertEquals(List.of("secret"), real.list());
      }
    }
    assertTrue(
        assertThrows(
                PosixException.class,
                () -> Posix.openDirNoSymlinks(tmp.resolve("dirlink").resolve("x").toString()))
            .isSymlink());
    try (Dir real = Posix.openDirNoSymlinks(tmp.resolve("real").toString())) {
      assertEquals(tmp.resolve("real").toString(), real.path());
    }
  }

  @Test
  void errors_missingRefusedAndNotEmpty_areTheNioTypes() throws Exception {
    try (Dir d = dir()) {
      NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> d.lstat("none"));
      assertEquals(Errno.ENOENT, Errno.of(missing));
      assertTrue(
          missing.getMessage().endsWith("/none: cannot stat: no such file or directory (ENOENT)"));
      assertTrue(d.lstatIfExists("none").isEmpty());
      d.mkdir("full", 0755);
      try (Dir full = d.openDir("full")) {
        full.create("f", 0600).close();
      }
      assertThrows(DirectoryNotEmptyException.class, () -> d.rmdir("full"));
      // Even root may not remove an immutable file: EPERM, as AccessDeniedException.
      d.create("immutable", 0600).close();
      PosixTesting.run(tmp, "chattr", "+i", "immutable");
      try {
        AccessDeniedException denied =
            assertThrows(AccessDeniedException.class, () -> d.unlink("immutable"));
        assertEquals(Errno.EPERM, Errno.of(denied));
        assertTrue(((PosixFailure) denied).isDenied());
        assertTrue(
            denied
                .getMessage()
                .endsWith("immutable: cannot remove: operation not permitted (EPERM)"),
            denied.getMessage());
      } finally {
        PosixTesting.run(tmp, "chattr", "-i", "immutable");
      }
    }
  }

  @Test
  void capabilities_root_holdsThemAndANonRootProcessDoesNot() throws Exception {
    assertTrue(Capability.SYS_ADMIN.held());
    assertTrue(Capability.MKNOD.held());
    // what a rebuild as an ordinary user meets: trusted.* is invisible, not an error
    Files.writeString(tmp.resolve("t"), "t");
    PosixTesting.run(tmp, "setfattr", "-n", "trusted.x", "-v", "1", "t");
    PosixTesting.run(tmp, "setfattr", "-n", "user.y", "-v", "2", "t");
    PosixTesting.run(tmp, "chmod", "0755", tmp.toString());
    PosixTesting.run(tmp, "chmod", "0644", "t");
    PosixTesting.Result r =
        PosixTesting.exec(
            tmp,
            List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "sh",
                "-c",
                "grep CapEff /proc/self/status; getfattr -d -m - t"));
    assertTrue(r.output().contains("CapEff:\t0000000000000000"), r.output());
    assertTrue(r.output().contains("user.y"), r.output());
    assertFalse(r.output().contains("trusted.x"), r.output());
  }

  @Test
  void space_ofTheTempDir_matchesStatf() throws Exception {
    try (Dir d = dir()) {
      FsSpace s = d.space();
      String[] want = sh("stat", "-f", "-c", "%S %b", ".").split(" ");
      assertEquals(Long.parseLong(want[0]), s.blockSize());
      assertEquals(Long.parseLong(want[0]) * Long.parseLong(want[1]), s.totalBytes());
      assertTrue(s.availableBytes() <= s.freeBytes());
      assertFalse(s.readOnly());
    }
  }
}
