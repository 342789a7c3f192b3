package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.store.ConnectionPool;
import dev.pacha.store.ContentFetcher;
import dev.pacha.store.Manifest;
import dev.pacha.store.Verifier;
import dev.pacha.track.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches a plan's contents: starts each root's tree beside its target ({@link TreeBuilder}), then
 * streams every content from the master straight into it over several connections, its sha256
 * checked as it comes. Nothing is placed here; the trees are handed on only whole.
 */
final class FetchStep {
  /**
   * Connections a rebuild reads over at once: one SFTP channel is bound by one thread's ciphers, so
   * a second connection uses the second core (measured in bench/, README Performance).
   */
  static final int CONNECTIONS = 2;

  /** Contents larger than this get progress lines while they are written. */
  private static final long PROGRESS_FROM = 4 << 20;

  /**
   * What the fetch brought.
   *
   * @param trees each root's built tree with every content written (none for an empty root)
   * @param skipped roots that did not exist when the snapshot was taken
   * @param damaged one line per entry whose content was missing or did not match; when there are
   *     any, the trees must not be placed
   * @param flush the early flush still running, for the sync before the swap to wait on
   * @param millis how long the fetch took
   */
  record Fetched(
      List<BuiltTree> trees,
      List<RebuildReport.Skipped> skipped,
      List<String> damaged,
      Durability.EarlyFlush flush,
      long millis) {}

  private final ContentFetcher contents;
  private final ConnectionPool connections;
  private final String master;
  private final Reporter reporter;

  /**
   * @param master the master's name, for the step line
   */
  FetchStep(ContentFetcher contents, ConnectionPool connections, String master, Reporter reporter) {
    this.contents = contents;
    this.connections = connections;
    this.master = master;
    this.reporter = reporter;
  }

  /** Fetches into new trees; on failure, the trees it started are removed again. */
  Fetched fetch(Plan plan, TreeBuilder builder, String host) {
    // The fetch reads over several connections: open the others while the trees are started.
    connections.prepare(CONNECTIONS);
    long t = System.nanoTime();
    List<BuiltTree> trees = new ArrayList<>();
    try {
      List<RebuildReport.Skipped> skipped = new ArrayList<>();
      for (Map.Entry<String, List<Entry>> r : plan.byRoot().entrySet()) {
        if (r.getValue().isEmpty()) {
          skipped.add(
              new RebuildReport.Skipped(
                  r.getKey(), "did not exist when the snapshot was taken; left as is"));
          continue;
        }
        try {
          trees.add(builder.start(r.getKey(), r.getValue()));
        } catch (IOException | RuntimeException e) {
          throw StepFailure.failed(
              "cannot build the restored tree of " + r.getKey() + ", nothing was replaced", e);
        }
      }
      Manifest selected = plan.selectedManifest();
      reporter.step(
          "Fetching "
              + selected.fileCount()
              + " files of "
              + host
              + " (snapshot "
              + plan.snapshot()
              + ") from "
              + master);
      Map<String, String> names = new LinkedHashMap<>();
      for (Entry e : plan.selected()) {
        if (e.isFile()) {
          names.putIfAbsent(e.sha256(), e.path());
        }
      }
      Durability.EarlyFlush flush =
          new Durability.EarlyFlush(trees.isEmpty() ? null : trees.get(0).built());
      Map<String, String> bad;
      try {
        // A content that cannot be written here (a full disk) is this host's failure, exit 1.
        bad =
            contents.fetch(
                selected.packs(),
                selected.entries(),
                (sha, in, length) -> write(builder, flush, sha, in, names.get(sha), length),
                CONNECTIONS);
        if (bad.isEmpty()) {
          builder.copyDuplicates();
        }
      } catch (IOException e) {
        throw StepFailure.failed("cannot write the restored tree, nothing was replaced", e);
      } catch (UncheckedIOException e) {
        throw StepFailure.failed(
            "cannot write the restored tree, nothing was replaced", e.getCause());
      } catch (StepFailure e) {
        throw e;
      } catch (PachaException e) {
        // The master went away mid-fetch: the report says so, like any failed rebuild.
        throw new StepFailure(e.kind(), e.getMessage() + "; nothing was placed");
      }
      long millis = (System.nanoTime() - t) / 1_000_000;
      reporter.detail("fetched and wrote the contents in " + millis + " ms");
      List<String> damaged = bad.isEmpty() ? List.of() : Verifier.describe(selected, bad);
      return new Fetched(List.copyOf(trees), skipped, damaged, flush, millis);
    } catch (RuntimeException e) {
      for (int i = trees.size() - 1; i >= 0; i--) {
        TreeBuilder.discard(trees.get(i));
      }
      throw e;
    }
  }

  private void write(
      TreeBuilder builder,
      Durability.EarlyFlush flush,
      String sha,
      InputStream in,
      String name,
      long length)
      throws IOException {
    long start = System.nanoTime();
    long done =
        builder.write(
            sha,
            in,
            length > PROGRESS_FROM
                ? d -> reporter.transfer(name, d, length, System.nanoTime() - start)
                : d -> {});
    reporter.transfer(name, done, done, System.nanoTime() - start);
    flush.wrote(done);
  }
}
