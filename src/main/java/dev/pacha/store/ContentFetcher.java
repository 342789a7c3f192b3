package dev.pacha.store;

import dev.pacha.track.Entry;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads stored contents back from a host's packs, hashing each as it streams to the caller's sink,
 * over one connection or several at once ({@link ConnectionPool}). Objects in one pack are read
 * over one stream in offset order, reading through small gaps.
 */
public final class ContentFetcher {
  /** Gaps smaller than this between wanted objects are read through rather than re-opened. */
  private static final long READ_THROUGH = 1 << 20;

  /**
   * What placing an object costs beyond its bytes, in bytes: creating a file costs about as much as
   * writing 64 KiB (5,000 small files took as long to create as 300 MiB to write).
   */
  private static final long PER_OBJECT = 64 << 10;

  private final HostStore store;
  private final PackIndexes indexes;
  private final ConnectionPool pool;

  ContentFetcher(HostStore store, PackIndexes indexes, ConnectionPool pool) {
    this.store = store;
    this.indexes = indexes;
    this.pool = pool;
  }

  /**
   * Reads the content of every object the manifest's files need, checking each sha256.
   *
   * @return problems by sha256 (missing, truncated, hash mismatch); empty when all is well
   */
  public Map<String, String> fetch(Manifest m, ObjectSink sink) {
    return fetch(m.packs(), m.entries(), sink, 1);
  }

  /**
   * As {@link #fetch(Manifest, ObjectSink)}, over up to {@code parallel} connections at once (the
   * sink must then take objects from several threads).
   */
  public Map<String, String> fetch(Manifest m, ObjectSink sink, int parallel) {
    return fetch(m.packs(), m.entries(), sink, parallel);
  }

  /**
   * Reads the contents of the files among {@code entries} (each content once), from {@code packs}.
   * The entries are gone through once, in order, so they may come from a stream.
   *
   * @return problems by sha256 (missing, truncated, hash mismatch); empty when all is well
   */
  public Map<String, String> fetch(
      Collection<String> packs, Iterable<Entry> entries, ObjectSink sink, int parallel) {
    try {
      Map<String, String> problems = new TreeMap<>();
      List<Unit> units = units(wantedByPack(packs, entries, problems), parallel);
      Map<String, String> found = Collections.synchronizedMap(problems);
      Queue<Unit> queue = new ConcurrentLinkedQueue<>(units);
      Spread.Worker reader =
          (b, stop) -> {
            for (Unit u = queue.poll(); u != null; u = queue.poll()) {
              read(b, u, sink, found, stop);
            }
          };
      int workers = Math.max(1, Math.min(parallel, units.size()));
      Spread.run(pool, queue, Collections.nCopies(workers, reader), "reading from the master");
      return problems;
    } finally {
      pool.closeSpare();
    }
  }

  /**
   * The files' objects by pack, each with its place; what is missing or of the wrong size goes into
   * {@code problems}. The index of every pack is dropped on return, before the fetch: with 100,000
   * files it is about 20 MB the fetch does not need.
   */
  private Map<String, List<Map.Entry<String, PackIndex.Slot>>> wantedByPack(
      Collection<String> packs, Iterable<Entry> entries, Map<String, String> problems) {
    Map<String, PackIndex.Slot> slots = indexes.read(packs, true);
    Map<String, List<Map.Entry<String, PackIndex.Slot>>> byPack = new TreeMap<>();
    Map<String, Long> wanted = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.isFile()) {
        wanted.putIfAbsent(e.sha256(), e.size());
      }
    }
    for (Map.Entry<String, Long> w : wanted.entrySet()) {
      PackIndex.Slot slot = slots.get(w.getKey());
      if (slot == null) {
        problems.put(w.getKey(), "object is missing on the master");
        continue;
      }
      if (slot.length() != w.getValue()) {
        problems.put(
            w.getKey(),
            "object holds " + slot.length() + " bytes but the manifest says " + w.getValue());
        continue;
      }
      byPack.computeIfAbsent(slot.pack(), k -> new ArrayList<>()).add(Map.entry(w.getKey(), slot));
    }
    return byPack;
  }

  /** A run of objects in one pack, read over one stream. */
  private record Unit(String pack, List<Map.Entry<String, PackIndex.Slot>> slots, long cost) {}

  /**
   * Splits each pack's wanted objects into runs of about an eighth of each worker's share of the
   * cost, so the workers taking them from one queue end at about the same time.
   */
  private static List<Unit> units(
      Map<String, List<Map.Entry<String, PackIndex.Slot>>> byPack, int parallel) {
    long total = 0;
    for (List<Map.Entry<String, PackIndex.Slot>> l : byPack.values()) {
      for (Map.Entry<String, PackIndex.Slot> s : l) {
        total += s.getValue().length() + PER_OBJECT;
      }
    }
    long target = Math.max(1 << 20, total / Math.max(1, parallel * 8L));
    List<Unit> units = new ArrayList<>();
    for (Map.Entry<String, List<Map.Entry<String, PackIndex.Slot>>> pack : byPack.entrySet()) {
      List<Map.Entry<String, PackIndex.Slot>> list = pack.getValue();
      list.sort(Comparator.comparingLong(e -> e.getValue().offset()));
      List<Map.Entry<String, PackIndex.Slot>> run = new ArrayList<>();
      long bytes = 0;
      for (Map.Entry<String, PackIndex.Slot> s : list) {
        run.add(s);
        bytes += s.getValue().length() + PER_OBJECT;
        if (bytes >= target) {
          units.add(new Unit(pack.getKey(), run, bytes));
          run = new ArrayList<>();
          bytes = 0;
        }
      }
      if (!run.isEmpty()) {
        units.add(new Unit(pack.getKey(), run, bytes));
      }
    }
    return units;
  }

  private void read(
      Backend b, Unit u, ObjectSink sink, Map<String, String> problems, AtomicBoolean stop) {
    try {
      readPack(b, u.pack(), u.slots(), sink, problems, stop);
    } catch (NoSuchFileException e) {
      for (Map.Entry<String, PackIndex.Slot> s : u.slots()) {
        problems.putIfAbsent(s.getKey(), "pack " + u.pack() + " is missing on the master");
      }
    } catch (IOException e) {
      throw store.unreachable("read pack " + u.pack() + " of " + store.host(), e);
    }
  }

  /**
   * Where a stream opened at slot {@code i} ends: the end of the last slot read through from it
   * (the same rule as {@link #readPack}'s, slots in offset order).
   */
  static long extent(List<Map.Entry<String, PackIndex.Slot>> slots, int i) {
    long end = slots.get(i).getValue().offset() + slots.get(i).getValue().length();
    for (int j = i + 1; j < slots.size(); j++) {
      long offset = slots.get(j).getValue().offset();
      if (offset < end || offset - end > READ_THROUGH) {
        break;
      }
      end = offset + slots.get(j).getValue().length();
    }
    return end;
  }

  private void readPack(
      Backend backend,
      String pack,
      List<Map.Entry<String, PackIndex.Slot>> slots,
      ObjectSink sink,
      Map<String, String> problems,
      AtomicBoolean stop)
      throws IOException {
    String file = store.path(HostStore.PACKS + "/" + pack + ".pack");
    InputStream in = null;
    long pos = -1;
    try {
      for (int i = 0; i < slots.size(); i++) {
        Map.Entry<String, PackIndex.Slot> s = slots.get(i);
        if (stop.get()) {
          return; // another worker failed: the fetch is over
        }
        long offset = s.getValue().offset();
        if (in == null || offset < pos || offset - pos > READ_THROUGH) {
          if (in != null) {
            in.close();
          }
          // The range this stream will serve: a backend that reads ahead asks for all of it at
          // once and for nothing past it.
          in = backend.read(file, offset, extent(slots, i) - offset);
          pos = offset;
        }
        while (pos < offset) {
          long skipped = in.skip(offset - pos);
          if (skipped <= 0) {
            if (in.read() < 0) {
              break;
            }
            skipped = 1;
          }
          pos += skipped;
        }
        if (pos < offset) {
          problems.put(s.getKey(), "pack " + pack + " is truncated");
          continue;
        }
        long length = s.getValue().length();
        Hashing hashing = new Hashing(in, length);
        try {
          sink.accept(s.getKey(), hashing, length);
        } catch (MasterReadException e) {
          throw e.getCause();
        } catch (IOException e) {
          // The sink's own failure (a full disk), not the master's: it must not read as exit 3.
          throw new UncheckedIOException(e);
        }
        hashing.drain();
        pos += hashing.count;
        if (hashing.count < length) {
          problems.put(s.getKey(), "pack " + pack + " is truncated");
        } else if (!hashing.hex().equals(s.getKey())) {
          problems.put(s.getKey(), "content does not match its sha256 (pack " + pack + ")");
        }
      }
    } finally {
      if (in != null) {
        in.close();
      }
    }
  }

  /** Stream that counts and hashes exactly {@code limit} bytes of the underlying stream. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest digest = Scanner.newDigest();
    private final long limit;
    long count;

    Hashing(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      if (count >= limit) {
        return -1;
      }
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw new MasterReadException(e);
      }
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (count >= limit) {
        return -1;
      }
      int n;
      try {
        n = in.read(buf, off, (int) Math.min(len, limit - count));
      } catch (IOException e) {
        throw new MasterReadException(e);
      }
      if (n > 0) {
        digest.update(buf, off, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public void close() {
      // The pack stream stays open for the next object.
    }

    void drain() throws IOException {
      skip(Long.MAX_VALUE);
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** A failure reading from the master inside a sink's stream, told apart from the sink's own. */
  private static final class MasterReadException extends IOException {
    private static final long serialVersionUID = 1L;

    MasterReadException(IOException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
