package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures a rebuild must tell apart, on file systems mounted for the test (as root): one that
 * holds no extended attributes (ramfs: no user., trusted. or ACLs) and one that is full (a 256 KiB
 * tmpfs).
 */
class PosixMountsTest {
  @TempDir Path tmp;
  private Path mnt;

  @BeforeEach
  void mountPoint() throws Exception {
    PosixTesting.requireRoot();
    PosixTesting.requireTools("mount", "umount");
    mnt = Files.createDirectory(tmp.resolve("mnt"));
  }

  @AfterEach
  void unmount() throws Exception {
    PosixTesting.exec(tmp, java.util.List.of("umount", mnt.toString()));
  }

  @Test
  void setXattr_fileSystemWithoutXattrs_isUnsupportedWithAClearText() throws Exception {
    PosixTesting.run(tmp, "mount", "-t", "ramfs", "ramfs", mnt.toString());
    try (Dir d = Posix.openDir(mnt.toString())) {
      d.create("f", 0600).close();
      byte[] v = "x".getBytes(StandardCharsets.US_ASCII);
      PosixException user = assertThrows(PosixException.class, () -> d.setXattr("f", "user.x", v));
      assertTrue(user.isUnsupported());
      assertEquals(Errno.EOPNOTSUPP, user.errno());
      assertTrue(
          user.getMessage()
              .endsWith(
                  "/mnt/f: cannot set extended attribute user.x: the file system does not support"
                      + " extended attributes (EOPNOTSUPP)"),
          user.getMessage());
      PosixException acl =
          assertThrows(
              PosixException.class,
              () -> d.setXattr("f", "system.posix_acl_access", new byte[] {2, 0, 0, 0}));
      assertTrue(acl.isUnsupported());
      assertTrue(acl.getMessage().contains("does not support POSIX ACLs"), acl.getMessage());
      try (OpenFile f = d.openRead("f")) {
        assertTrue(
            assertThrows(PosixException.class, () -> f.setXattr("trusted.t", v)).isUnsupported());
      }
    }
  }

  @Test
  void xattrs_largerThanTheFirstBuffer_readWhole() throws Exception {
    // tmpfs holds user.* values larger than ext4's one block (which ERANGE needs to show)
    PosixTesting.run(tmp, "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString());
    Files.writeString(mnt.resolve("a"), "a");
    PosixTesting.run(
        mnt, "sh", "-c", "setfattr -n user.big -v \"$(head -c 10000 /dev/zero | tr '\\0' a)\" a");
    for (int i = 0; i < 40; i++) {
      PosixTesting.run(mnt, "setfattr", "-n", "user." + "n".repeat(150) + i, "-v", "v", "a");
    }
    try (Dir d = Posix.openDir(mnt.toString())) {
      byte[] big = d.getXattr("a", "user.big").orElseThrow();
      assertEquals(10000, big.length);
      assertEquals('a', big[9999]);
      assertEquals(41, d.xattrNames("a").size());
      assertEquals(41, d.xattrs("a").size());
      d.create("b", 0600).close();
      for (Xattr x : d.xattrs("a")) {
        d.setXattr("b", x.name(), x.value());
      }
    }
    assertEquals(
        new String(PosixTesting.run(mnt, "sh", "-c", "getfattr -d -e hex a | tail -n +2")),
        new String(PosixTesting.run(mnt, "sh", "-c", "getfattr -d -e hex b | tail -n +2")));
  }

  @Test
  void write_fullFileSystem_isDiskFullWithAClearText() throws Exception {
    PosixTesting.run(tmp, "mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
    try (Dir d = Posix.openDir(mnt.toString());
        OpenFile f = d.create("big", 0600)) {
      FsSpace before = d.space();
      assertEquals(256 * 1024, before.totalBytes());
      ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
      IOException full =
          assertThrows(
              IOException.class,
              () -> {
                for (long pos = 0; pos < 1 << 20; pos += block.capacity()) {
                  f.writeFully(block.clear(), pos);
                }
              });
      PosixException e = (PosixException) full;
      assertTrue(e.isDiskFull());
      assertEquals(Errno.ENOSPC, Errno.of(e));
      assertTrue(
          e.getMessage().endsWith("/mnt/big: cannot write: no space left on device (ENOSPC)"),
          e.getMessage());
      assertEquals(0, d.space().availableBytes());
    }
  }
}
