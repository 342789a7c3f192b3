package dev.pacha.track;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * Paths as they are recorded in snapshots: absolute, normalized, '/'-separated strings naming a
 * place on the host. A target root maps them onto a disk (a sandbox, a mounted volume, a chroot).
 */
public final class HostPaths {
  private HostPaths() {}

  /**
   * Orders paths so that a directory comes right before its contents: "/a", "/a/b", "/a-b" (a plain
   * string sort would put "/a-b" before "/a/b").
   */
  public static final Comparator<String> TREE_ORDER =
      (x, y) -> {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
          char a = x.charAt(i);
          char b = y.charAt(i);
          if (a != b) {
            if (a == '/') {
              return -1;
            }
            if (b == '/') {
              return 1;
            }
            return Character.compare(a, b);
          }
        }
        return Integer.compare(x.length(), y.length());
      };

  /**
   * Whether a recorded path is well formed: absolute, no empty, "." or ".." parts, no NUL, no
   * trailing slash (except "/" itself).
   */
  public static boolean isClean(String path) {
    if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
      return false;
    }
    if (path.equals("/")) {
      return true;
    }
    for (String part : path.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code path} is {@code root} or lies below it. */
  public static boolean isWithin(String path, String root) {
    if (root.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(root) || path.startsWith(root + "/");
  }

  /** The parent of a recorded path ("/" for "/x"). */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Where a recorded path lies on disk under {@code targetRoot}. */
  public static Path onDisk(Path targetRoot, String path) {
    return path.equals("/") ? targetRoot : targetRoot.resolve(path.substring(1));
  }

  /** The recorded path of a file on disk under {@code targetRoot}. */
  public static String recorded(Path targetRoot, Path onDisk) {
    Path rel = targetRoot.relativize(onDisk);
    String s = rel.toString();
    return s.isEmpty() ? "/" : "/" + s;
  }
}
