import dev.pacha.posix.Dir;
import dev.pacha.posix.DirEntry;
import dev.pacha.posix.OpenFile;
import dev.pacha.posix.Posix;
import dev.pacha.posix.Stat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The native layer (dev.pacha.posix) against java.nio on what a push does per file: list a
 * directory and lstat each entry, and open, read and close each file. Hot page cache (the call
 * overhead is what differs, not the disk). Not a test: figures for the README.
 *
 * <pre>
 *   mvn -B -q -o compile
 *   java -cp target/classes:$(ls ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar) \
 *       bench/PosixBench.java /var/tmp/posix-bench [FILES] [ROUNDS]
 * </pre>
 *
 * Makes FILES (default 100,000) small files in 100 directories the first time, then runs each
 * case ROUNDS times (default 5), alternating, and prints the median per case.
 */
public class PosixBench {
  static final int DIRS = 100;

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    corpus(root, files);
    Posix.check();
    Map<String, Case> cases =
        new java.util.LinkedHashMap<>(
            Map.of(
                "list+lstat  java.nio (DirectoryStream + readAttributes unix:*)", PosixBench::nioWalk,
                "list+lstat  posix (getdents64 + statx at a handle)", PosixBench::posixWalk,
                "open/read/close  java.nio (FileChannel.open)", PosixBench::nioRead,
                "open/read/close  posix openat + JNA read", PosixBench::posixReadJna,
                "open/read/close  posix openat + /proc/self/fd channel", PosixBench::posixReadChannel,
                "list xattrs  posix (llistxattr via /proc/self/fd/N/name)", PosixBench::posixXattrs,
                "list xattrs  posix (llistxattr, absolute path)", PosixBench::posixXattrsByPath,
                "read 256 MiB  java.nio (FileChannel.open, 1 MiB buffer)", PosixBench::nioBig,
                "read 256 MiB  posix openat + JNA read", PosixBench::posixBigJna,
                "read 256 MiB  posix openat + /proc/self/fd channel", PosixBench::posixBigChannel));
    Map<String, long[]> times = new java.util.LinkedHashMap<>();
    Map<String, long[]> cpus = new java.util.LinkedHashMap<>();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    List<String> order = new ArrayList<>(cases.keySet());
    order.sort(null);
    for (String name : order) {
      times.put(name, new long[rounds]);
      cpus.put(name, new long[rounds]);
    }
    long check = 0;
    for (int r = -1; r < rounds; r++) { // round -1 warms the JIT and the page cache
      for (String name : order) {
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        check += cases.get(name).run(root);
        long t = System.nanoTime() - t0;
        long c = mx.getCurrentThreadCpuTime() - c0;
        if (r >= 0) {
          times.get(name)[r] = t;
          cpus.get(name)[r] = c;
        }
      }
    }
    System.out.printf(
        "%,d files in %d directories, %d rounds, medians of wall time and of this thread's CPU"
            + " time (user + system: less swayed by other load):%n",
        files, DIRS, rounds);
    for (String name : order) {
      long[] t = times.get(name);
      long[] c = cpus.get(name);
      Arrays.sort(t);
      Arrays.sort(c);
      long median = t[t.length / 2];
      long cpu = c[c.length / 2];
      System.out.printf(
          "  %-62s %8.1f ms  %6.2f us/file   CPU %8.1f ms  %6.2f us/file%n",
          name, median / 1e6, median / 1e3 / files, cpu / 1e6, cpu / 1e3 / files);
    }
    System.out.println("(checksum " + check + ")");
  }

  interface Case {
    long run(Path root) throws IOException;
  }

  static void corpus(Path root, int files) throws IOException {
    Path done = root.resolve(".done-" + files);
    if (Files.exists(done)) {
      return;
    }
    byte[] content = new byte[4096];
    new java.util.Random(1).nextBytes(content);
    for (int i = 0; i < files; i++) {
      Path dir = root.resolve("d" + (i % DIRS));
      if (i < DIRS) {
        Files.createDirectories(dir);
      }
      Files.write(dir.resolve("f" + i + ".conf"), Arrays.copyOf(content, 200 + (i * 37) % 3800));
    }
    byte[] mib = new byte[1 << 20];
    new java.util.Random(2).nextBytes(mib);
    try (var out = Files.newOutputStream(root.resolve("big"))) {
      for (int i = 0; i < 256; i++) {
        out.write(mib);
      }
    }
    Files.createFile(done);
  }

  static long nioBig(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long sum = 0;
    try (FileChannel ch = FileChannel.open(root.resolve("big"), StandardOpenOption.READ)) {
      int n;
      while ((n = ch.read(buf.clear())) > 0) {
        sum += n;
      }
    }
    return sum;
  }

  static long posixBigJna(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long sum = 0;
    try (Dir dir = Posix.openDir(root.toString());
        OpenFile f = dir.openRead("big")) {
      int n;
      while ((n = f.read(buf.clear())) > 0) {
        sum += n;
      }
    }
    return sum;
  }

  static long posixBigChannel(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long sum = 0;
    try (Dir dir = Posix.openDir(root.toString());
        OpenFile f = dir.openRead("big");
        FileChannel ch = f.channel()) {
      int n;
      while ((n = ch.read(buf.clear())) > 0) {
        sum += n;
      }
    }
    return sum;
  }

  static long posixXattrsByPath(Path root) throws IOException {
    long sum = 0;
    for (Path d : dirs(root)) {
      try (Dir dir = Posix.openDir(d.toString())) {
        for (String name : dir.list()) {
          sum += Posix.xattrNames(d + "/" + name).size() + 1;
        }
      }
    }
    return sum;
  }

  static List<Path> dirs(Path root) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < DIRS; i++) {
      out.add(root.resolve("d" + i));
    }
    return out;
  }

  static long nioWalk(Path root) throws IOException {
    long sum = 0;
    for (Path d : dirs(root)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
        for (Path p : s) {
          Map<String, Object> a =
              Files.readAttributes(
                  p,
                  "unix:mode,uid,gid,ino,ctime,size,lastModifiedTime,isSymbolicLink,isDirectory,isRegularFile",
                  LinkOption.NOFOLLOW_LINKS);
          sum += (Long) a.get("size");
        }
      }
    }
    return sum;
  }

  static long posixWalk(Path root) throws IOException {
    long sum = 0;
    for (Path d : dirs(root)) {
      try (Dir dir = Posix.openDir(d.toString())) {
        for (DirEntry e : dir.entries()) {
          Stat s = dir.lstat(e.name());
          sum += s.size();
        }
      }
    }
    return sum;
  }

  static long nioRead(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    long sum = 0;
    for (Path d : dirs(root)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
        for (Path p : s) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buf.clear())) > 0) {
              sum += n;
            }
          }
        }
      }
    }
    return sum;
  }

  static long posixReadJna(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    long sum = 0;
    for (Path d : dirs(root)) {
      try (Dir dir = Posix.openDir(d.toString())) {
        for (String name : dir.list()) {
          try (OpenFile f = dir.openRead(name)) {
            int n;
            while ((n = f.read(buf.clear())) > 0) {
              sum += n;
            }
          }
        }
      }
    }
    return sum;
  }

  static long posixReadChannel(Path root) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    long sum = 0;
    for (Path d : dirs(root)) {
      try (Dir dir = Posix.openDir(d.toString())) {
        for (String name : dir.list()) {
          try (OpenFile f = dir.openRead(name);
              FileChannel ch = f.channel()) {
            int n;
            while ((n = ch.read(buf.clear())) > 0) {
              sum += n;
            }
          }
        }
      }
    }
    return sum;
  }

  static long posixXattrs(Path root) throws IOException {
    long sum = 0;
    for (Path d : dirs(root)) {
      try (Dir dir = Posix.openDir(d.toString())) {
        for (String name : dir.list()) {
          sum += dir.xattrNames(name).size() + 1;
        }
      }
    }
    return sum;
  }
}
