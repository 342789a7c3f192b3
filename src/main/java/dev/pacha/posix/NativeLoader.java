package dev.pacha.posix;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads JNA's native part (libjnidispatch.so, inside the JNA jar) from a directory pacha chooses,
 * before JNA would pick one itself: JNA's own choice is a temp dir under java.io.tmpdir, which at
 * first boot may be mounted noexec, and with {@code jna.nosys} unset it would take a different JNA
 * of the system's instead of ours.
 *
 * <p>Where it goes, first that works: {@code PACHA_NATIVE_DIR} / {@code -Dpacha.native.dir} (only
 * those, when given: one directory or several, colon-separated); /var/cache/pacha/native (root, as
 * the Debian package makes /var/cache/pacha); $XDG_CACHE_HOME or ~/.cache, pacha/native; a private
 * directory under java.io.tmpdir, removed at exit. A directory is used only when it and the library
 * are owned by this user (or root) and writable by no one else, and the library is byte for byte
 * the one in the jar. Each is tried by loading the library from it, so a noexec mount is found by
 * the kernel's own refusal.
 */
final class NativeLoader {
  private NativeLoader() {}

  private static final String LIB = "libjnidispatch.so";
  private static volatile boolean loaded;
  private static NativeUnavailableException failure;
  private static Path loadedFrom;

  /** Makes the native layer ready, or throws the one-line reason it cannot be. Cheap once done. */
  static void ensure() {
    if (!loaded) {
      load();
    }
  }

  /** The directory libjnidispatch.so was loaded from (null before loading). */
  static synchronized Path loadedFrom() {
    return loadedFrom;
  }

  private static synchronized void load() {
    if (loaded) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      loadedFrom = loadDispatch();
      Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      loaded = true;
    } catch (NativeUnavailableException e) {
      failure = e;
      throw e;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      failure =
          new NativeUnavailableException(
              "the C library lacks a call pacha needs ("
                  + e.getMessage()
                  + "); pacha needs Linux with glibc 2.30 or newer",
              e);
      throw failure;
    }
  }

  private static Path loadDispatch() {
    if (!Platform.isLinux()) {
      throw new NativeUnavailableException(
          "pacha's file-system layer runs on Linux only (this is "
              + System.getProperty("os.name")
              + ")",
          null);
    }
    if (!Platform.is64Bit() || Platform.isMIPS() || Platform.isPPC() || Platform.isSPARC()) {
      throw new NativeUnavailableException(
          "pacha's file-system layer supports 64-bit x86, ARM and RISC-V Linux (this is "
              + System.getProperty("os.arch")
              + ")",
          null);
    }
    // Ours, never a system JNA's, and never JNA's own extraction to java.io.tmpdir.
    System.setProperty("jna.nosys", "true");
    System.setProperty("jna.nounpack", "true");
    System.setProperty("jna.noclasspath", "true");
    byte[] lib = bundled();
    // Names the directory, one per library build; the bytes are compared in full before use.
    // CRC32, not SHA-256: the first MessageDigest costs 20 ms of a cold start.
    String hash = crc32(lib);

    List<String> tried = new ArrayList<>();
    String explicit = explicitDir();
    List<Path> candidates = new ArrayList<>();
    if (explicit != null) {
      for (String d : explicit.split(":")) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d).toAbsolutePath());
        }
      }
    } else {
      if (Files.isDirectory(Path.of("/var/cache/pacha")) || isRoot()) {
        candidates.add(Path.of("/var/cache/pacha/native"));
      }
      String xdg = System.getenv("XDG_CACHE_HOME");
      String home = System.getProperty("user.home");
      if (xdg != null && xdg.startsWith("/")) {
        candidates.add(Path.of(xdg, "pacha", "native"));
      } else if (home != null && home.startsWith("/") && Files.isDirectory(Path.of(home))) {
        candidates.add(Path.of(home, ".cache", "pacha", "native"));
      }
    }
    for (Path base : candidates) {
      Path dir = base.resolve("jna-" + hash);
      try {
        Path file = place(dir, lib);
        System.load(file.toString());
        System.setProperty("jna.boot.library.path", dir.toString());
        return dir;
      } catch (IOException | UnsatisfiedLinkError e) {
        tried.add(base + " (" + why(e) + ")");
      }
    }
    if (explicit == null) {
      Path dir = null;
      try {
        dir =
            Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pacha-jna-");
        dir.toFile().deleteOnExit();
        Path file = dir.resolve(LIB);
        Files.write(file, lib);
        file.toFile().deleteOnExit();
        System.load(file.toString());
        System.setProperty("jna.boot.library.path", dir.toString());
        return dir;
      } catch (IOException | UnsatisfiedLinkError e) {
        tried.add(
            (dir == null ? System.getProperty("java.io.tmpdir") : dir.toString())
                + " ("
                + why(e)
                + ")");
      }
    }
    throw new NativeUnavailableException(
        "cannot load JNA's native library "
            + LIB
            + " from "
            + String.join(", ", tried)
            + "; set PACHA_NATIVE_DIR to a directory that only this user can write, on a file"
            + " system mounted without noexec",
        null);
  }

  private static String explicitDir() {
    String p = System.getProperty("pacha.native.dir");
    if (p == null || p.isEmpty()) {
      p = System.getenv("PACHA_NATIVE_DIR");
    }
    return p == null || p.isEmpty() ? null : p;
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The library in {@code dir}, written there unless the same bytes already are; checked safe. */
  private static Path place(Path dir, byte[] lib) throws IOException {
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    checkPrivate(dir.getParent(), true);
    checkPrivate(dir, false);
    Path file = dir.resolve(LIB);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      checkPrivate(file, false);
      if (Files.size(file) == lib.length && Arrays.equals(Files.readAllBytes(file), lib)) {
        return file;
      }
    }
    Path tmp = Files.createTempFile(dir, ".jna-", ".tmp");
    try {
      Files.write(tmp, lib);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  /**
   * Refuses a path another user could change (so could swap the library we load). A sticky
   * directory (like /tmp) is accepted as a base: others cannot move what we made in it.
   */
  private static void checkPrivate(Path p, boolean stickyOk) throws IOException {
    int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (Files.isSymbolicLink(p)) {
      throw new IOException(p + " is a symbolic link");
    }
    if (uid != me && uid != 0) {
      throw new IOException(p + " is owned by uid " + uid);
    }
    if ((mode & 0022) != 0 && !(stickyOk && (mode & 01000) != 0)) {
      throw new IOException(p + " is writable by others");
    }
  }

  private static byte[] bundled() {
    String resource = "com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + LIB;
    ClassLoader cl = Platform.class.getClassLoader();
    try (InputStream in = cl == null ? null : cl.getResourceAsStream(resource)) {
      if (in == null) {
        throw new NativeUnavailableException(
            "JNA has no native library for " + Platform.RESOURCE_PREFIX + " in pacha.jar", null);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new NativeUnavailableException(
          "cannot read JNA's native library from pacha.jar: " + e.getMessage(), e);
    }
  }

  private static String why(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("failed to map segment") || m.contains("Operation not permitted")) {
      return "mounted noexec: " + m.replaceAll(".*: ", "");
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return m;
  }

  private static String crc32(byte[] b) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b);
    return Long.toHexString(crc.getValue()) + "-" + b.length;
  }
}
