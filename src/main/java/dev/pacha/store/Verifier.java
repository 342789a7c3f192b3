package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.track.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Re-reads every object a snapshot needs and checks its sha256 (as restic's check --read-data
 * does). A problem is an integrity failure, exit code 4, naming the entries.
 */
public final class Verifier {
  /**
   * What a verify found.
   *
   * @param objects objects read
   * @param bytes bytes read
   * @param problems one line per damaged entry ("/opt/foo/a: content does not match ...")
   */
  public record Result(
      String host, String snapshot, int objects, long bytes, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private Verifier() {}

  public static Result verify(HostStore store, String snapshotId) {
    Manifest m = store.catalog().manifest(snapshotId);
    long[] bytes = new long[1];
    int[] objects = new int[1];
    Map<String, String> bad =
        store
            .contents()
            .fetch(
                m,
                (sha, in, length) -> {
                  bytes[0] += in.transferTo(java.io.OutputStream.nullOutputStream());
                  objects[0]++;
                });
    return new Result(store.host(), m.id(), objects[0], bytes[0], describe(m, bad));
  }

  /** Problems by sha256, turned into lines naming each affected path. */
  public static List<String> describe(Manifest m, Map<String, String> bad) {
    List<String> lines = new ArrayList<>();
    for (Entry e : m.entries()) {
      if (e.isFile() && bad.containsKey(e.sha256())) {
        lines.add(
            e.path()
                + ": "
                + bad.get(e.sha256())
                + " (object "
                + e.sha256().substring(0, 12)
                + ")");
      }
    }
    return lines;
  }

  /** Throws exit code 4 when there are problems. */
  public static void require(Result r) {
    if (!r.ok()) {
      throw PachaException.integrity(
          "snapshot "
              + r.snapshot()
              + " of "
              + r.host()
              + " is damaged: "
              + summarize(r.problems()));
    }
  }

  public static String summarize(List<String> problems) {
    String shown = String.join("; ", problems.subList(0, Math.min(5, problems.size())));
    return problems.size() > 5 ? shown + " (and " + (problems.size() - 5) + " more)" : shown;
  }
}
