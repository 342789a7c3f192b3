package dev.pacha.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Tools;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata capture, as root (CI runs as root): owners, all 12 mode bits, links, empty dirs. */
class ScannerTest {
  @TempDir Path tmp;

  @Test
  void scan_mixedTree_recordsTypeOwnerFullModeAndHash() throws Exception {
    Path root = tmp.resolve("opt/foo");
    Files.createDirectories(root.resolve("empty"));
    Files.createDirectories(root.resolve("sticky"));
    Path suid = Files.writeString(root.resolve("suid"), "abc");
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("/does/not/exist"));
    UserPrincipalLookupService users = tmp.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView v = Files.getFileAttributeView(suid, PosixFileAttributeView.class);
    v.setOwner(users.lookupPrincipalByName("daemon"));
    v.setGroup(users.lookupPrincipalByGroupName("adm"));
    Files.setAttribute(suid, "unix:mode", 04755);
    Files.setAttribute(root.resolve("sticky"), "unix:mode", 01777);
    Files.setLastModifiedTime(suid, FileTime.from(Instant.parse("2010-01-02T03:04:05.123456789Z")));

    Scanner.Result r = new Scanner(tmp).scan(List.of("/opt/foo"));
    Map<String, Entry> byPath = r.entries().stream().collect(Collectors.toMap(Entry::path, e -> e));

    assertEquals(List.of(), r.skipped());
    assertEquals(
        List.of(
            "/opt/foo", "/opt/foo/dangling", "/opt/foo/empty", "/opt/foo/sticky", "/opt/foo/suid"),
        r.entries().stream().map(Entry::path).toList());
    Entry s = byPath.get("/opt/foo/suid");
    assertEquals(Entry.FILE, s.type());
    assertEquals("4755", s.mode());
    assertEquals("daemon", s.owner());
    assertEquals("adm", s.group());
    assertEquals(1, s.uid());
    assertEquals(3, s.size());
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", s.sha256());
    assertEquals("2010-01-02T03:04:05.123456789Z", s.mtime());
    assertEquals("1777", byPath.get("/opt/foo/sticky").mode());
    assertEquals(Entry.DIR, byPath.get("/opt/foo/empty").type());
    Entry link = byPath.get("/opt/foo/dangling");
    assertEquals(Entry.SYMLINK, link.type());
    assertEquals("/does/not/exist", link.target());
    assertNull(link.sha256());
  }

  @Test
  void scan_fifoAndMissingRoot_reportedAndSkipped() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("etc/app"));
    Files.writeString(root.resolve("a.conf"), "x");
    Tools.run(root, "mkfifo", "fifo");

    Scanner.Result r = new Scanner(tmp).scan(List.of("/etc/app", "/etc/gone"));
    assertEquals(2, r.entries().size());
    assertEquals(2, r.skipped().size());
    assertTrue(
        r.skipped().get(0).startsWith("/etc/app/fifo: is a named pipe"), r.skipped().toString());
    assertTrue(r.skipped().get(1).startsWith("/etc/gone: does not exist"), r.skipped().toString());
  }

  @Test
  void scan_symlinkedDirectory_isRecordedAsLinkNotFollowed() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("srv/x"));
    Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(tmp.resolve("elsewhere/secret"), "not tracked");
    Files.createSymbolicLink(root.resolve("link"), tmp.resolve("elsewhere"));

    Scanner.Result r = new Scanner(tmp).scan(List.of("/srv/x"));
    assertEquals(List.of("/srv/x", "/srv/x/link"), r.entries().stream().map(Entry::path).toList());
    assertTrue(Files.isSymbolicLink(root.resolve("link")));
    assertEquals(Entry.SYMLINK, r.entries().get(1).type());
    assertTrue(Files.exists(root.resolve("link"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void treeOrder_slashSortsFirst_parentBeforeChildren() {
    List<String> paths = new java.util.ArrayList<>(List.of("/a-b", "/a/b", "/a", "/a/b/c", "/a.c"));
    paths.sort(HostPaths.TREE_ORDER);
    assertEquals(List.of("/a", "/a/b", "/a/b/c", "/a-b", "/a.c"), paths);
  }
}
