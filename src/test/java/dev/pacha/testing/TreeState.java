package dev.pacha.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a rebuild must bring back about a tree, per relative path: type, owner, group, full
 * mode, content hash or link target, and mtime. Two trees are restored identically when their
 * states are equal.
 */
public final class TreeState {
  private TreeState() {}

  /**
   * Reads a tree. Symlink mtimes are kept to the microsecond: Linux sets a link's own time with
   * lutimes, which has no nanoseconds.
   */
  public static Map<String, String> of(Path root) throws IOException {
    Map<String, String> state = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        PosixFileAttributes a =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        String what;
        long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        if (a.isSymbolicLink()) {
          what = "link->" + Files.readSymbolicLink(p);
          nanos = nanos / 1000 * 1000;
        } else if (a.isDirectory()) {
          what = "dir";
        } else {
          what = "file:" + sha256(p);
        }
        String rel = root.relativize(p).toString();
        state.put(
            rel.isEmpty() ? "." : rel,
            String.format(
                "%s %s:%s %04o mtime=%d",
                what, a.owner().getName(), a.group().getName(), mode, nanos));
      }
    }
    return state;
  }

  static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
