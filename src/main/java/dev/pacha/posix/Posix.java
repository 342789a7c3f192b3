package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the native file-system layer starts: opening directories by path, and the few calls on
 * absolute paths. The first call loads the native part ({@link NativeUnavailableException}, one
 * line, when it cannot); {@link #check()} does only that, for a command that wants to fail early.
 */
public final class Posix {
  private Posix() {}

  /** Loads the native layer now, or throws the one-line reason it cannot run here. */
  public static void check() {
    NativeLoader.ensure();
  }

  /** Where JNA's native library was loaded from (after {@link #check()}). */
  public static Path nativeLibraryDir() {
    check();
    return NativeLoader.loadedFrom();
  }

  /**
   * Opens a directory by absolute path (O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC): the last name must not
   * be a symlink; links above it are followed, as the kernel resolves them.
   */
  public static Dir openDir(String path) throws IOException {
    check();
    try {
      byte[] c = Sys.cString(path);
      return new Dir(LibC.open(c, Dir.OPEN_FLAGS, 0), path);
    } catch (LastErrorException e) {
      throw Sys.failOpenDir(e, LibC.AT_FDCWD, Sys.cString(path), path);
    }
  }

  /**
   * Opens a directory by absolute path one name at a time from "/", refusing a symbolic link
   * anywhere on the way (ELOOP, "is a symbolic link"): nothing that anyone can write on the way can
   * redirect it.
   */
  public static Dir openDirNoSymlinks(String path) throws IOException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + PathBytes.printable(path));
    }
    try (Dir root = openDir("/")) {
      return root.walk(path.substring(1));
    }
  }

  /** lstat of an absolute (or relative to the working directory) path, not following it. */
  public static Stat lstat(String path) throws IOException {
    check();
    Sys.Buffers b = Sys.BUFFERS.get();
    try {
      LibC.statx(
          LibC.AT_FDCWD,
          Sys.cString(path),
          LibC.AT_SYMLINK_NOFOLLOW,
          LibC.STATX_BASIC_STATS,
          b.statxAddress);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "stat", path);
    }
    return Stat.ofStatx(b.statxView);
  }

  /** Every extended attribute of a path (a symlink's own), sorted by name. */
  public static List<Xattr> xattrs(String path) throws IOException {
    check();
    return XattrCalls.all(XattrCalls.Target.path(Sys.cString(path), path));
  }

  /**
   * The names of a path's extended attributes (a symlink's own). By absolute path this is about
   * twice as fast as through a directory handle (which goes through /proc/self/fd/N/NAME), for a
   * scan that only reads; placement should use the handles.
   */
  public static List<String> xattrNames(String path) throws IOException {
    check();
    return XattrCalls.names(XattrCalls.Target.path(Sys.cString(path), path));
  }

  public static Optional<byte[]> getXattr(String path, String attribute) throws IOException {
    check();
    return XattrCalls.get(XattrCalls.Target.path(Sys.cString(path), path), attribute);
  }

  public static void setXattr(String path, String attribute, byte[] value) throws IOException {
    check();
    XattrCalls.set(XattrCalls.Target.path(Sys.cString(path), path), attribute, value);
  }

  public static boolean removeXattr(String path, String attribute) throws IOException {
    check();
    return XattrCalls.remove(XattrCalls.Target.path(Sys.cString(path), path), attribute);
  }
}
