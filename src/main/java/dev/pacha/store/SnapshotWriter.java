package dev.pacha.store;

import dev.pacha.Reporter;
import dev.pacha.json.Json;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import dev.pacha.track.LastPush;
import dev.pacha.track.ManifestCopy;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Writes a snapshot: new contents into a pack (an unchanged file is never uploaded twice), the
 * pack's index, then the manifest, which makes it the latest (so an interrupted push never becomes
 * the latest), and last format 1's pointer for older versions.
 */
public final class SnapshotWriter {
  /** A pack is closed and a new one started past this size. */
  static final long PACK_LIMIT = 64L << 20;

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * What a push did.
   *
   * @param snapshot the new snapshot id, or the latest one when nothing changed
   * @param changed false when the tree was identical to the latest snapshot (nothing written)
   * @param entries entries in the snapshot
   * @param uploadedObjects contents uploaded by this push
   * @param uploadedBytes their size
   * @param reusedObjects contents already on the master
   * @param skipped entries left out, with the reason
   */
  public record PushResult(
      String host,
      String snapshot,
      boolean changed,
      int entries,
      int uploadedObjects,
      long uploadedBytes,
      int reusedObjects,
      List<String> skipped) {}

  private final HostStore store;
  private final Reporter reporter;

  public SnapshotWriter(HostStore store, Reporter reporter) {
    this.store = store;
    this.reporter = reporter;
  }

  /**
   * What {@link #push} did, and the manifest it wrote.
   *
   * @param manifest the new snapshot's manifest; empty when nothing changed
   */
  public record Pushed(PushResult result, Optional<Manifest> manifest) {}

  /**
   * Pushes a scanned tree.
   *
   * @param targetRoot where the recorded paths lie on disk
   * @param roots the tracked roots
   * @param scan what the scanner found
   */
  public PushResult push(Path targetRoot, List<String> roots, Scanner.Result scan) {
    return push(targetRoot, roots, scan, Optional.empty(), ManifestCopy.none()).result();
  }

  /**
   * Pushes a scanned tree; {@code lastPushed} is what this host pushed last, used instead of
   * downloading the latest manifest when it is the same snapshot. The new manifest's bytes also go
   * to {@code copy} as they are sent (one serialization for both).
   */
  public Pushed push(
      Path targetRoot,
      List<String> roots,
      Scanner.Result scan,
      Optional<LastPush> lastPushed,
      ManifestCopy copy) {
    List<String> skipped = new ArrayList<>(scan.skipped());
    long t0 = System.nanoTime();
    Optional<String> latestId = store.catalog().latest();
    // Is the scanned tree what the latest snapshot holds? By fingerprint when that snapshot is
    // this host's own last push, else by reading it (another machine pushed as this host, or the
    // state dir is new).
    BooleanSupplier sameAsLatest =
        () -> {
          String id = latestId.orElseThrow();
          Optional<LastPush> own = lastPushed.filter(p -> p.id().equals(id));
          if (own.isPresent()) {
            return own.get()
                .fingerprint()
                .equals(LastPush.fingerprint(store.host(), roots, scan.entries()));
          }
          Manifest latest = store.catalog().manifest(id);
          return latest.host().equals(store.host())
              && latest.roots().equals(roots)
              && latest.entries().equals(scan.entries());
        };
    Map<String, PackIndex.Slot> known = store.packIndexes().all();
    reporter.detail(
        "read the latest snapshot and "
            + known.size()
            + " known contents in "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms");
    t0 = System.nanoTime();

    Map<String, Entry> byPath = new LinkedHashMap<>();
    for (Entry e : scan.entries()) {
      byPath.put(e.path(), e);
    }
    int reused = 0;
    Set<String> counted = new LinkedHashSet<>();
    List<Entry> toUpload = new ArrayList<>();
    for (Entry e : scan.entries()) {
      if (e.isFile() && e.sha256() == null) {
        toUpload.add(e); // not hashed yet: hashed while it is sent
        continue;
      }
      if (!e.isFile() || !counted.add(e.sha256())) {
        continue;
      }
      if (known.containsKey(e.sha256())) {
        reused++;
      } else {
        toUpload.add(e);
      }
    }
    if (latestId.isPresent() && toUpload.isEmpty() && sameAsLatest.getAsBoolean()) {
      return new Pushed(
          new PushResult(
              store.host(), latestId.get(), false, scan.entries().size(), 0, 0, reused, skipped),
          Optional.empty());
    }

    // A large upload goes over two connections at once: one SSH channel is bound by one thread
    // reading, hashing and encrypting (README, Performance). Each share takes the next file from
    // one queue, so a share that starts late (a second handshake) does less, and writes its own
    // packs.
    ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>(toUpload);
    List<Share> done = upload(targetRoot, queue, connectionsFor(toUpload), known);
    Map<String, PackIndex.Slot> added = new LinkedHashMap<>();
    long uploadedBytes = 0;
    for (Share sh : done) {
      sh.added.forEach(added::putIfAbsent);
      uploadedBytes += sh.uploadedBytes;
      skipped.addAll(sh.skipped);
      for (String s : sh.skipped) {
        reporter.warn("skipped " + s); // the scan's own were told before the push
      }
      for (String gone : sh.vanished) {
        byPath.remove(gone);
      }
      for (Entry changed : sh.sent) {
        byPath.put(changed.path(), changed);
      }
    }

    List<Entry> entries = new ArrayList<>(byPath.values());
    Set<String> packs = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (e.isFile()) {
        PackIndex.Slot slot =
            added.containsKey(e.sha256()) ? added.get(e.sha256()) : known.get(e.sha256());
        if (slot == null) {
          throw new IllegalStateException("no pack holds " + e.sha256() + " for " + e.path());
        }
        packs.add(slot.pack());
      }
    }
    reporter.detail(
        "uploaded "
            + added.size()
            + " contents ("
            + uploadedBytes
            + " bytes) in "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms");
    t0 = System.nanoTime();
    String id = newId();
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT,
            id,
            store.host(),
            Instant.now().toString(),
            List.copyOf(roots),
            List.copyOf(packs),
            entries);
    ManifestCheck.check(manifest, store.host());
    Backend backend = store.backend();
    try {
      try (Backend.Upload up =
          backend.upload(store.path(HostStore.SNAPSHOTS + "/" + id + ".json"))) {
        try (ManifestCopy.Tee out = copy.through(up.stream())) {
          Json.write(out, manifest);
          out.complete();
        }
        up.commit();
      }
      writeLatest(backend, id);
    } catch (IOException e) {
      throw store.unreachable("write snapshot " + id + " to the master", e);
    }
    reporter.detail(
        "wrote the manifest and the latest pointer in "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms");
    return new Pushed(
        new PushResult(
            store.host(), id, true, entries.size(), added.size(), uploadedBytes, reused, skipped),
        Optional.of(manifest));
  }

  /**
   * Format 1's pointer, for older pacha versions that read it. An append-only master (a stock sshd
   * set up as the README says) refuses to replace it, and nothing of this version needs it: readers
   * take the newest snapshot (HostStore.latest, docs/FORMAT.md).
   */
  private void writeLatest(Backend backend, String id) throws IOException {
    try {
      backend.put(store.path(HostStore.LATEST), (id + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (AccessDeniedException e) {
      reporter.detail(
          "the master is append-only: no latest pointer for older pacha versions ("
              + e.getMessage()
              + ")");
    }
  }

  /** Below this many bytes to send, a second connection's handshake costs more than it saves. */
  static final long PARALLEL_THRESHOLD = 16L << 20;

  /** Connections an upload of these entries uses: two for a large one over SSH, else one. */
  private int connectionsFor(List<Entry> toUpload) {
    long bytes = 0;
    for (Entry e : toUpload) {
      bytes += e.size();
    }
    return bytes >= PARALLEL_THRESHOLD && store.backend().forksConnections() ? 2 : 1;
  }

  /**
   * Uploads each share over its own connection (the first over the store's own), all at once. The
   * first failure closes the other connections so their writes stop; every share has ended before
   * this returns or throws.
   */
  private List<Share> upload(
      Path targetRoot, Queue<Entry> queue, int connections, Map<String, PackIndex.Slot> known) {
    List<Share> result = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      result.add(new Share(queue));
    }
    Reporter shared = result.size() > 1 ? synchronizedReporter() : reporter;
    List<Spread.Worker> workers = new ArrayList<>();
    for (Share sh : result) {
      sh.reporter = shared;
      workers.add((b, stop) -> sh.run(b, targetRoot, known));
    }
    Spread.run(store.connections(), queue, workers, "uploading");
    return result;
  }

  private Reporter synchronizedReporter() {
    return new Reporter() {
      @Override
      public synchronized void step(String message) {
        reporter.step(message);
      }

      @Override
      public synchronized void warn(String message) {
        reporter.warn(message);
      }

      @Override
      public synchronized void detail(String message) {
        reporter.detail(message);
      }

      @Override
      public synchronized void transfer(String name, long done, long total, long nanos) {
        reporter.transfer(name, done, total, nanos);
      }
    };
  }

  /** One share of an upload: the queue it takes entries from, and what sending them did. */
  private final class Share {
    final Queue<Entry> entries;
    final Map<String, PackIndex.Slot> added = new LinkedHashMap<>();
    final List<Entry> sent = new ArrayList<>();
    final List<String> vanished = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    long uploadedBytes;
    Reporter reporter = SnapshotWriter.this.reporter;

    Share(Queue<Entry> entries) {
      this.entries = entries;
    }

    void run(Backend backend, Path targetRoot, Map<String, PackIndex.Slot> known) {
      PackOut pack = null;
      try {
        for (Entry e = entries.poll(); e != null; e = entries.poll()) {
          if (pack != null && pack.offset >= PACK_LIMIT) {
            pack.finish();
            pack = null;
          }
          if (pack == null) {
            pack = new PackOut(backend, newId(), reporter);
          }
          Path disk = HostPaths.onDisk(targetRoot, e.path());
          long start = System.nanoTime();
          Upload u;
          try {
            u = pack.add(disk, e.path(), e.size(), start);
          } catch (NoSuchFileException x) {
            vanished.add(e.path());
            skipped.add(e.path() + ": vanished before upload, skipped");
            continue;
          } catch (LocalReadException x) {
            vanished.add(e.path());
            skipped.add(e.path() + ": " + Scanner.reason((IOException) x.getCause()));
            continue;
          }
          uploadedBytes += u.length;
          if (!u.sha.equals(e.sha256())) {
            // Hashed while sent, or changed between scan and upload: record what was sent.
            sent.add(e.withContent(u.sha, u.length));
          }
          if (known.containsKey(u.sha) || added.containsKey(u.sha)) {
            continue;
          }
          PackIndex.Slot slot = new PackIndex.Slot(pack.id, u.offset, u.length);
          added.put(u.sha, slot);
          pack.slots.put(u.sha, slot);
        }
        if (pack != null) {
          pack.finish();
          pack = null;
        }
      } catch (IOException e) {
        throw store.unreachable("upload to the master", e);
      } finally {
        if (pack != null) {
          pack.abort();
        }
      }
    }
  }

  static String newId() {
    byte[] r = new byte[4];
    ThreadLocalRandom.current().nextBytes(r);
    return ID_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
  }

  private record Upload(String sha, long offset, long length) {}

  /** A local file could not be read while uploading (not a master problem). */
  private static final class LocalReadException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalReadException(IOException cause) {
      super(cause);
    }
  }

  /** A pack being written. */
  private final class PackOut {
    final String id;
    final Backend backend;
    final Reporter reporter;
    final Backend.Upload upload;
    final OutputStream out;
    final Map<String, PackIndex.Slot> slots = new LinkedHashMap<>();
    long offset;

    PackOut(Backend backend, String id, Reporter reporter) throws IOException {
      this.id = id;
      this.backend = backend;
      this.reporter = reporter;
      this.upload = backend.upload(store.path(HostStore.PACKS + "/" + id + ".pack"));
      this.out = upload.stream();
    }

    Upload add(Path disk, String name, long expected, long start) throws IOException {
      MessageDigest digest = Scanner.newDigest();
      long begin = offset;
      byte[] buf = new byte[1 << 16];
      InputStream in;
      try {
        in = Files.newInputStream(disk, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw e;
      } catch (IOException e) {
        throw new LocalReadException(e);
      }
      try (in) {
        while (true) {
          int n;
          try {
            n = in.read(buf);
          } catch (IOException e) {
            throw new LocalReadException(e);
          }
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
          digest.update(buf, 0, n);
          offset += n;
          reporter.transfer(
              name, offset - begin, Math.max(expected, offset - begin), System.nanoTime() - start);
        }
      }
      long length = offset - begin;
      reporter.transfer(name, length, length, System.nanoTime() - start);
      return new Upload(HexFormat.of().formatHex(digest.digest()), begin, length);
    }

    void finish() throws IOException {
      // The index goes up only after the pack is complete, so it never names a partial pack.
      upload.commit();
      backend.put(store.path(HostStore.PACKS + "/" + id + ".idx"), PackIndex.format(slots));
    }

    void abort() {
      try {
        upload.close();
      } catch (IOException e) {
        // The temp file is never read as data.
      }
    }
  }
}
