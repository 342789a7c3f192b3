package dev.pacha.track;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content hash of each file as of the last push, keyed by what changes whenever a file's
 * content can have changed: size, mtime, ctime and inode (ctime moves on every write and cannot be
 * set back, so a file rewritten with its old mtime still misses). A hit saves reading the file; a
 * push then hashes only what changed.
 */
public final class HashCache {
  /** What identifies one version of a file on disk. */
  public record Stamp(long size, long mtimeNanos, long ctimeNanos, long inode) {}

  private record Line(Stamp stamp, String sha256) {}

  private static final String HEADER = "pacha-hash-cache 1";

  private final Map<String, Line> lines;

  private HashCache(Map<String, Line> lines) {
    this.lines = lines;
  }

  public static HashCache empty() {
    return new HashCache(new HashMap<>());
  }

  /** Reads a cache file; a missing or damaged one is an empty cache (it only saves time). */
  public static HashCache load(Path file) {
    Map<String, Line> m = new HashMap<>();
    try {
      List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (text.isEmpty() || !text.get(0).equals(HEADER)) {
        return empty();
      }
      for (int i = 1; i < text.size(); i++) {
        String[] f = text.get(i).split("\t", 6);
        if (f.length != 6 || !isSha256(f[4])) {
          return empty();
        }
        m.put(
            f[5],
            new Line(
                new Stamp(
                    Long.parseLong(f[0]),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3])),
                f[4]));
      }
      return new HashCache(m);
    } catch (IOException | RuntimeException e) {
      return empty();
    }
  }

  /** 64 lowercase hex digits (a regex here cost a fresh JVM 10 µs per line). */
  private static boolean isSha256(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  public Optional<String> lookup(String path, Stamp stamp) {
    Line l = lines.get(path);
    return l != null && l.stamp().equals(stamp) ? Optional.of(l.sha256()) : Optional.empty();
  }

  /** A cache of what was just pushed: each file's stamp at scan time and its recorded hash. */
  public static HashCache of(List<Entry> entries, Map<String, Stamp> stamps) {
    Map<String, Line> m = new HashMap<>();
    for (Entry e : entries) {
      Stamp s = stamps.get(e.path());
      if (e.isFile() && e.sha256() != null && s != null && s.size() == e.size()) {
        m.put(e.path(), new Line(s, e.sha256()));
      }
    }
    return new HashCache(m);
  }

  /** Writes the cache atomically; a failure only costs time later. */
  public void save(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(HEADER);
        w.write('\n');
        for (Map.Entry<String, Line> e : lines.entrySet()) {
          Stamp s = e.getValue().stamp();
          w.write(
              s.size()
                  + "\t"
                  + s.mtimeNanos()
                  + "\t"
                  + s.ctimeNanos()
                  + "\t"
                  + s.inode()
                  + "\t"
                  + e.getValue().sha256()
                  + "\t"
                  + e.getKey()
                  + "\n");
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Next time every file is hashed again.
    }
  }
}
