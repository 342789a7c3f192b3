package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks that a manifest is safe to rebuild from before anything is placed: clean absolute paths
 * inside the tracked roots, no duplicates, every entry's parent a directory of the snapshot (so no
 * path goes through a symlink), sane sizes, modes and hashes.
 */
public final class ManifestCheck {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MODE = Pattern.compile("[0-7]{4}");

  /** No single tracked file is bigger than this; anything larger is a damaged manifest. */
  static final long MAX_FILE = 1L << 40;

  private ManifestCheck() {}

  /** Throws an integrity error (exit 4) naming every problem found, or returns quietly. */
  public static void check(Manifest m, String host) {
    List<String> problems = problems(m, host);
    if (!problems.isEmpty()) {
      String shown = String.join("; ", problems.subList(0, Math.min(5, problems.size())));
      String more = problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : "";
      throw PachaException.integrity(
          "snapshot " + m.id() + " of " + host + " is not safe to use: " + shown + more);
    }
  }

  static List<String> problems(Manifest m, String host) {
    List<String> p = new ArrayList<>();
    if (m.format() != Manifest.FORMAT) {
      p.add("manifest format " + m.format() + " is not " + Manifest.FORMAT);
      return p;
    }
    if (!host.equals(m.host())) {
      p.add("manifest names host " + m.host() + ", not " + host);
    }
    if (m.roots() == null || m.entries() == null || m.packs() == null) {
      p.add("manifest lacks roots, packs or entries");
      return p;
    }
    // (List.of lists refuse contains(null), so look with a stream.)
    if (m.roots().stream().anyMatch(java.util.Objects::isNull)
        || m.entries().stream().anyMatch(java.util.Objects::isNull)
        || m.packs().stream().anyMatch(java.util.Objects::isNull)) {
      p.add("manifest has an empty (null) root, pack or entry");
      return p;
    }
    for (String root : m.roots()) {
      if (!HostPaths.isClean(root) || root.equals("/")) {
        p.add("tracked root '" + root + "' is not a clean absolute path");
      }
      for (String other : m.roots()) {
        if (!other.equals(root) && HostPaths.isWithin(other, root)) {
          p.add("tracked roots " + root + " and " + other + " overlap");
        }
      }
    }
    Map<String, Entry> byPath = new HashMap<>();
    for (Entry e : m.entries()) {
      String path = e.path();
      if (!HostPaths.isClean(path)) {
        p.add("entry path '" + path + "' is not a clean absolute path");
        continue;
      }
      if (byPath.put(path, e) != null) {
        p.add(path + " appears twice");
        continue;
      }
      String root =
          m.roots().stream().filter(r -> HostPaths.isWithin(path, r)).findFirst().orElse(null);
      if (root == null) {
        p.add(path + " lies outside the tracked roots");
        continue;
      }
      if (!path.equals(root)) {
        Entry parent = byPath.get(HostPaths.parent(path));
        if (parent == null || !parent.isDir()) {
          p.add(path + " has no directory parent in the snapshot (a path through a symlink?)");
        }
      }
      if (e.mode() == null || !MODE.matcher(e.mode()).matches()) {
        p.add(path + " has a bad mode '" + e.mode() + "'");
      }
      if (e.owner() == null || e.group() == null || e.uid() < 0 || e.gid() < 0) {
        p.add(path + " has a bad owner or group");
      }
      try {
        e.mtimeAsFileTime();
      } catch (RuntimeException x) {
        p.add(path + " has a bad mtime '" + e.mtime() + "'");
      }
      switch (e.type() == null ? "" : e.type()) {
        case Entry.FILE -> {
          if (e.sha256() == null || !SHA.matcher(e.sha256()).matches()) {
            p.add(path + " has a bad sha256");
          }
          if (e.size() < 0 || e.size() > MAX_FILE) {
            p.add(path + " has an absurd size " + e.size());
          }
        }
        case Entry.SYMLINK -> {
          if (e.target() == null || e.target().isEmpty() || e.target().indexOf('\0') >= 0) {
            p.add(path + " is a symlink without a valid target");
          }
        }
        case Entry.DIR -> {}
        default -> p.add(path + " has an unknown type '" + e.type() + "'");
      }
    }
    // A root without an entry did not exist at push time: allowed, there is nothing to place.
    return p;
  }
}
