package dev.pacha.store;

import dev.pacha.track.Entry;
import dev.pacha.track.Snapshot;
import java.util.List;

/**
 * One snapshot of a host: every tracked entry with its metadata and content hash, the tracked roots
 * (the host's "database", what --restore-db brings back), and the packs holding the content.
 * Immutable once written.
 *
 * @param format manifest format version ({@link #FORMAT})
 * @param id snapshot id, sortable by time
 * @param host the host it belongs to
 * @param created when it was taken (ISO-8601)
 * @param roots tracked roots, absolute
 * @param packs packs that hold every file's content
 * @param entries every entry, in tree order
 */
public record Manifest(
    int format,
    String id,
    String host,
    String created,
    List<String> roots,
    List<String> packs,
    List<Entry> entries)
    implements Snapshot {
  public static final int FORMAT = 1;

  public long totalBytes() {
    long n = 0;
    for (Entry e : entries) {
      n += e.size();
    }
    return n;
  }

  public long fileCount() {
    return entries.stream().filter(Entry::isFile).count();
  }
}
