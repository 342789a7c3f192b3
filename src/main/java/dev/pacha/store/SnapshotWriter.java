package dev.pacha.store;

import dev.pacha.Reporter;
import dev.pacha.json.Json;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a snapshot: new contents into a pack (an unchanged file is never uploaded twice), the
 * pack's index, the manifest, and last the latest pointer, so an interrupted push never becomes the
 * latest.
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
   * Pushes a scanned tree.
   *
   * @param targetRoot where the recorded paths lie on disk
   * @param roots the tracked roots
   * @param scan what the scanner found
   */
  public PushResult push(Path targetRoot, List<String> roots, Scanner.Result scan) {
    return push(targetRoot, roots, scan, Optional.empty());
  }

  /**
   * Pushes a scanned tree; {@code lastPushed} is this host's own copy of the manifest it pushed
   * last, used instead of downloading the latest one when it is the same snapshot.
   */
  public PushResult push(
      Path targetRoot, List<String> roots, Scanner.Result scan, Optional<Manifest> lastPushed) {
    List<String> skipped = new ArrayList<>(scan.skipped());
    long t0 = System.nanoTime();
    Optional<String> latestId = store.latest();
    Optional<Manifest> latest =
        latestId.map(
            id ->
                lastPushed
                    .filter(m -> m.id().equals(id) && m.host().equals(store.host()))
                    .orElseGet(() -> store.manifest(id)));
    Map<String, PackIndex.Slot> known = store.allObjects();
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
    if (latest.isPresent()
        && toUpload.isEmpty()
        && latest.get().roots().equals(roots)
        && latest.get().entries().equals(scan.entries())) {
      return new PushResult(
          store.host(), latestId.get(), false, scan.entries().size(), 0, 0, reused, skipped);
    }

    Map<String, PackIndex.Slot> added = new LinkedHashMap<>();
    long uploadedBytes = 0;
    PackOut pack = null;
    try {
      for (Entry e : toUpload) {
        if (pack != null && pack.offset >= PACK_LIMIT) {
          pack.finish(added);
          pack = null;
        }
        if (pack == null) {
          pack = new PackOut(newId());
        }
        Path disk = HostPaths.onDisk(targetRoot, e.path());
        long start = System.nanoTime();
        Upload u;
        try {
          u = pack.add(disk, e.path(), e.size(), start);
        } catch (NoSuchFileException x) {
          byPath.remove(e.path());
          skipped.add(e.path() + ": vanished before upload, skipped");
          continue;
        } catch (LocalReadException x) {
          byPath.remove(e.path());
          skipped.add(e.path() + ": cannot read (" + x.getCause().getMessage() + "), skipped");
          continue;
        }
        uploadedBytes += u.length;
        if (!u.sha.equals(e.sha256())) {
          // Hashed while sent, or changed between scan and upload: record what was sent.
          byPath.put(e.path(), e.withContent(u.sha, u.length));
        }
        if (known.containsKey(u.sha) || added.containsKey(u.sha)) {
          continue;
        }
        added.put(u.sha, new PackIndex.Slot(pack.id, u.offset, u.length));
        pack.slots.put(u.sha, added.get(u.sha));
      }
      if (pack != null) {
        pack.finish(added);
        pack = null;
      }
    } catch (IOException e) {
      throw store.unreachable("upload to the master", e);
    } finally {
      if (pack != null) {
        pack.abort();
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
        Json.write(up.stream(), manifest);
        up.commit();
      }
      backend.put(store.path(HostStore.LATEST), (id + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw store.unreachable("write snapshot " + id + " to the master", e);
    }
    reporter.detail(
        "wrote the manifest and the latest pointer in "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms");
    lastManifest = manifest;
    return new PushResult(
        store.host(), id, true, entries.size(), added.size(), uploadedBytes, reused, skipped);
  }

  private Manifest lastManifest;

  /** The manifest the last {@link #push} wrote (null when nothing changed). */
  public Manifest lastManifest() {
    return lastManifest;
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
    final Backend.Upload upload;
    final OutputStream out;
    final Map<String, PackIndex.Slot> slots = new LinkedHashMap<>();
    long offset;

    PackOut(String id) throws IOException {
      this.id = id;
      this.upload = store.backend().upload(store.path(HostStore.PACKS + "/" + id + ".pack"));
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

    void finish(Map<String, PackIndex.Slot> added) throws IOException {
      // The index goes up only after the pack is complete, so it never names a partial pack.
      upload.commit();
      store.backend().put(store.path(HostStore.PACKS + "/" + id + ".idx"), PackIndex.format(slots));
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
