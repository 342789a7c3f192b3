package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.json.Json;
import dev.pacha.track.Scanner;
import dev.pacha.transport.Backend;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One host's part of the master store, under {@code <hosts.path>/<host>/}:
 *
 * <pre>
 *   pacha_pre/  pacha_post/        hook scripts, placed by the operator
 *   snapshots/ID.json              one immutable manifest per push
 *   packs/P.pack  packs/P.idx      file contents, stored once by sha256
 *   latest                         the id of the newest complete snapshot, written last
 * </pre>
 *
 * Every I/O failure talking to the master becomes exit code 3; data that does not match what was
 * recorded becomes exit code 4.
 */
public final class HostStore {
  static final String SNAPSHOTS = "snapshots";
  static final String PACKS = "packs";
  static final String LATEST = "latest";

  /** Hook directories: the seed's spelling first, then the other spelling it also uses. */
  public static final List<String> PRE_HOOK_DIRS = List.of("pacha_pre", "pre_pacha");

  public static final List<String> POST_HOOK_DIRS = List.of("pacha_post", "post_pacha");

  /** Gaps smaller than this between wanted objects are read through rather than re-opened. */
  private static final long READ_THROUGH = 1 << 20;

  private final Backend backend;
  private final String host;
  private final Path cacheDir;

  /** Extra connections being opened ahead of a parallel fetch ({@link #prepareConnections}). */
  private final List<CompletableFuture<Backend>> spare = new ArrayList<>();

  HostStore(Backend backend, String host, Path cacheDir) {
    this.backend = backend;
    this.host = HostNames.check(host);
    this.cacheDir = cacheDir;
  }

  public String host() {
    return host;
  }

  Backend backend() {
    return backend;
  }

  String path(String rel) {
    return host + "/" + rel;
  }

  /** Whether the host has a directory on the master. */
  public boolean exists() {
    return io("look up host " + host, () -> backend.exists(host));
  }

  /** The id of the newest complete snapshot, if the host ever pushed. */
  public Optional<String> latest() {
    byte[] raw;
    try {
      raw = backend.readAll(path(LATEST));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw unreachable("read the latest pointer of " + host, e);
    }
    String id = new String(raw, StandardCharsets.UTF_8).trim();
    if (!id.matches("[0-9A-Za-z._-]+")) {
      throw PachaException.integrity(
          "the latest pointer of " + host + " on the master is damaged ('" + abbreviate(id) + "')");
    }
    return Optional.of(id);
  }

  /** Snapshot ids, oldest first. */
  public List<String> snapshotIds() {
    List<String> ids = new ArrayList<>();
    for (String name : io("list snapshots of " + host, () -> backend.list(path(SNAPSHOTS)))) {
      if (name.endsWith(".json") && !name.startsWith(".")) {
        ids.add(name.substring(0, name.length() - 5));
      }
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /**
   * Resolves a snapshot id or a unique prefix of one; without one, the latest.
   *
   * @throws PachaException when there is no such snapshot (exit 1) or none at all
   */
  public String resolve(Optional<String> wanted) {
    if (wanted.isEmpty()) {
      return latest()
          .orElseThrow(
              () ->
                  new PachaException(
                      PachaException.Kind.FAILED,
                      "host "
                          + host
                          + " has no snapshot on "
                          + backend.describe()
                          + "; push from it first (pacha push) or check the host name"));
    }
    String w = wanted.get();
    List<String> matches = snapshotIds().stream().filter(id -> id.startsWith(w)).toList();
    if (matches.contains(w)) {
      return w;
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new PachaException(
          PachaException.Kind.FAILED,
          "host " + host + " has no snapshot " + w + "; list them with: pacha log " + host);
    }
    throw PachaException.usage(
        "snapshot '"
            + w
            + "' of "
            + host
            + " is ambiguous ("
            + matches.size()
            + " match); give more of the id");
  }

  /** Reads and checks a manifest; a damaged one is an integrity error (exit 4). */
  public Manifest manifest(String id) {
    return manifest(id, null);
  }

  /**
   * As {@link #manifest(String)}, keeping a byte-for-byte copy of the manifest in {@code copyTo} (a
   * new file), for a rebuild's staging dir: one read, no second serialization.
   */
  public Manifest manifest(String id, Path copyTo) {
    Manifest m;
    try (InputStream in = backend.read(path(SNAPSHOTS + "/" + id + ".json"), 0);
        OutputStream copy =
            copyTo == null
                ? OutputStream.nullOutputStream()
                : Files.newOutputStream(copyTo, StandardOpenOption.CREATE_NEW)) {
      InputStream tee = new Tee(in, copy);
      m = Json.read(new java.io.BufferedInputStream(tee, 1 << 16), Manifest.class);
      tee.transferTo(OutputStream.nullOutputStream());
    } catch (Tee.CopyException e) {
      throw PachaException.failed(
          "cannot keep a copy of snapshot " + id + " in " + copyTo + ": " + e.getCause(), e);
    } catch (NoSuchFileException e) {
      throw PachaException.integrity(
          "snapshot " + id + " of " + host + " is named but its manifest is missing on the master");
    } catch (Json.JsonException e) {
      throw PachaException.integrity(
          "the manifest of snapshot " + id + " of " + host + " is not valid: " + e.getMessage());
    } catch (IOException e) {
      throw unreachable("read snapshot " + id + " of " + host, e);
    }
    if (!id.equals(m.id())) {
      throw PachaException.integrity(
          "the manifest " + id + " of " + host + " says it is snapshot " + m.id());
    }
    ManifestCheck.check(m, host);
    return m;
  }

  /** Every object stored for this host, from all pack indexes (cached locally). */
  public Map<String, PackIndex.Slot> allObjects() {
    List<String> packs = new ArrayList<>();
    for (String name : io("list packs of " + host, () -> backend.list(path(PACKS)))) {
      if (name.endsWith(".idx") && !name.startsWith(".")) {
        packs.add(name.substring(0, name.length() - 4));
      }
    }
    return index(packs, false);
  }

  /**
   * Reads pack indexes. With {@code strict}, a missing or damaged index is an integrity error;
   * otherwise it is passed over (its objects are simply uploaded again).
   */
  Map<String, PackIndex.Slot> index(Collection<String> packs, boolean strict) {
    Map<String, PackIndex.Slot> all = new HashMap<>();
    for (String pack : packs) {
      try {
        all.putAll(PackIndex.parse(pack, readIndex(pack)));
      } catch (NoSuchFileException e) {
        if (strict) {
          throw PachaException.integrity("pack " + pack + " of " + host + " is missing its index");
        }
      } catch (IllegalArgumentException e) {
        if (strict) {
          throw PachaException.integrity(e.getMessage() + " (host " + host + ")");
        }
      } catch (IOException e) {
        throw unreachable("read the index of pack " + pack, e);
      }
    }
    return all;
  }

  private byte[] readIndex(String pack) throws IOException {
    Path cached = cacheDir == null ? null : cacheDir.resolve(host).resolve(pack + ".idx");
    if (cached != null && Files.isRegularFile(cached)) {
      return Files.readAllBytes(cached);
    }
    byte[] raw = backend.readAll(path(PACKS + "/" + pack + ".idx"));
    if (cached != null) {
      // Indexes are immutable: cache them so a push need not read them all again.
      PackIndex.parse(pack, raw);
      try {
        Files.createDirectories(cached.getParent());
        Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp");
        Files.write(tmp, raw);
        Files.move(tmp, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // The cache only saves time.
      }
    }
    return raw;
  }

  /**
   * Starts opening the extra connections a fetch over {@code parallel} connections will use, in the
   * background, so their handshakes overlap the work before the fetch. A backend that reads in
   * parallel on one connection opens nothing.
   */
  public void prepareConnections(int parallel) {
    for (int i = spare.size() + 1; i < parallel; i++) {
      spare.add(
          CompletableFuture.supplyAsync(
              () -> io("open another connection to the master", backend::fork)));
    }
  }

  /**
   * A prepared extra connection, or a new one; null when {@code stop} is set before it is ready (an
   * SSH handshake cut short can take its whole timeout to fail; nobody waits for it then).
   */
  Backend extraConnection(AtomicBoolean stop) {
    CompletableFuture<Backend> f;
    synchronized (spare) {
      f = spare.isEmpty() ? null : spare.remove(0);
    }
    if (f == null) {
      f =
          CompletableFuture.supplyAsync(
              () -> io("open another connection to the master", backend::fork));
    }
    while (true) {
      if (stop.get()) {
        f.thenAccept(HostStore::closeQuietly);
        return null;
      }
      try {
        return f.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Look at stop again.
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw PachaException.failed("interrupted while connecting to the master", e);
      }
    }
  }

  static void closeQuietly(Backend b) {
    try {
      b.close();
    } catch (IOException | RuntimeException e) {
      // Nothing is written over a fetch connection.
    }
  }

  /** Closes prepared connections a fetch did not take. */
  public void closeSpare() {
    synchronized (spare) {
      for (CompletableFuture<Backend> f : spare) {
        f.thenAccept(
            b -> {
              if (b != backend) {
                closeQuietly(b);
              }
            });
      }
      spare.clear();
    }
  }

  /**
   * Reads the content of every object the manifest's files need, checking each sha256.
   *
   * @return problems by sha256 (missing, truncated, hash mismatch); empty when all is well
   */
  public Map<String, String> fetch(Manifest m, ObjectSink sink) {
    return fetch(m, sink, 1);
  }

  /**
   * As {@link #fetch(Manifest, ObjectSink)}, over up to {@code parallel} connections at once (the
   * sink must then take objects from several threads).
   */
  public Map<String, String> fetch(Manifest m, ObjectSink sink, int parallel) {
    try {
      return fetchOver(m, sink, parallel);
    } finally {
      closeSpare();
    }
  }

  private Map<String, String> fetchOver(Manifest m, ObjectSink sink, int parallel) {
    Map<String, String> problems = new TreeMap<>();
    List<Unit> units = units(wantedByPack(m, problems), parallel);
    Map<String, String> found = Collections.synchronizedMap(problems);
    Queue<Unit> queue = new ConcurrentLinkedQueue<>(units);
    Spread.Worker reader =
        (b, stop) -> {
          for (Unit u = queue.poll(); u != null; u = queue.poll()) {
            read(b, u, sink, found, stop);
          }
        };
    int workers = Math.max(1, Math.min(parallel, units.size()));
    Spread.run(this, queue, Collections.nCopies(workers, reader), "reading from the master");
    return problems;
  }

  /**
   * The manifest's objects by pack, each with its place; what is missing or of the wrong size goes
   * into {@code problems}. The index of every pack is dropped on return, before the fetch: with
   * 100,000 files it is about 20 MB the fetch does not need.
   */
  private Map<String, List<Map.Entry<String, PackIndex.Slot>>> wantedByPack(
      Manifest m, Map<String, String> problems) {
    Map<String, PackIndex.Slot> slots = index(m.packs(), true);
    Map<String, List<Map.Entry<String, PackIndex.Slot>>> byPack = new TreeMap<>();
    Map<String, Long> wanted = new LinkedHashMap<>();
    m.entries().stream()
        .filter(e -> e.isFile())
        .forEach(e -> wanted.putIfAbsent(e.sha256(), e.size()));
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
   * What placing an object costs beyond its bytes, in bytes: creating a file costs about as much as
   * writing 64 KiB (5,000 small files took as long to create as 300 MiB to write).
   */
  private static final long PER_OBJECT = 64 << 10;

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
      throw unreachable("read pack " + u.pack() + " of " + host, e);
    }
  }

  private void readPack(
      Backend backend,
      String pack,
      List<Map.Entry<String, PackIndex.Slot>> slots,
      ObjectSink sink,
      Map<String, String> problems,
      AtomicBoolean stop)
      throws IOException {
    String file = path(PACKS + "/" + pack + ".pack");
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
          throw new java.io.UncheckedIOException(e);
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

  /** Names of hook scripts in one of the phase's directories, with the directory they are in. */
  public Map<String, String> hooks(List<String> dirs) {
    Map<String, String> found = new TreeMap<>();
    for (String dir : dirs) {
      for (String name : io("list hooks of " + host, () -> backend.list(path(dir)))) {
        found.putIfAbsent(name, dir + "/" + name);
      }
    }
    return found;
  }

  /** Reads one hook script. */
  public byte[] readHook(String relPath) {
    return io("read hook " + relPath + " of " + host, () -> backend.readAll(path(relPath)));
  }

  /**
   * What replacing one phase's hooks did.
   *
   * @param dir where the hooks now are ("pacha_pre")
   * @param uploaded hook names uploaded, in the order they run
   * @param removed hooks of the previous set that are gone, as paths under the host
   * @param skipped local entries not uploaded, with the reason
   */
  public record HookUpload(
      String dir, List<String> uploaded, List<String> removed, List<String> skipped) {}

  /**
   * Replaces the hooks of one phase with the regular files in {@code source}: each goes up to
   * {@code dirs.get(0)/NAME} (atomically, through the backend), then every other hook of the phase,
   * in either spelling of its directory, is removed. Dot-files (never run) and subdirectories are
   * not uploaded.
   *
   * @param dirs the phase's directory names, the one to write first ({@link #PRE_HOOK_DIRS})
   */
  public HookUpload replaceHooks(List<String> dirs, Path source, Reporter reporter) {
    List<Path> files = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(source)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          skipped.add(p + ": a dot-file, never run as a hook");
        } else if (!Files.isRegularFile(p)) {
          skipped.add(p + ": not a regular file");
        } else {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot read the hook directory " + source + ": " + e, e);
    }
    // Hooks run in byte order of their names; upload and report them in that order.
    files.sort(Comparator.comparing(p -> p.getFileName().toString(), HostStore::byteOrder));
    String dir = dirs.get(0);
    List<String> uploaded = new ArrayList<>();
    step("create " + path(dir), () -> backend.mkdirs(path(dir)));
    for (Path f : files) {
      String name = f.getFileName().toString();
      reporter.detail("Uploading hook " + dir + "/" + name);
      byte[] content;
      try {
        content = Files.readAllBytes(f);
      } catch (IOException e) {
        throw PachaException.failed("cannot read hook " + f + ": " + e.getMessage(), e);
      }
      step(
          "upload hook " + dir + "/" + name + " of " + host,
          () -> backend.put(path(dir + "/" + name), content));
      uploaded.add(name);
    }
    List<String> removed = new ArrayList<>();
    for (String d : dirs) {
      for (String name : io("list hooks of " + host, () -> backend.list(path(d)))) {
        if (d.equals(dir) && uploaded.contains(name)) {
          continue;
        }
        step(
            "remove hook " + d + "/" + name + " of " + host,
            () -> backend.delete(path(d + "/" + name)));
        removed.add(d + "/" + name);
      }
    }
    return new HookUpload(dir, uploaded, removed, skipped);
  }

  /** Compares names as their UTF-8 bytes, the order hooks run in. */
  static int byteOrder(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
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

  /** Copies what is read to a local file; its write failures are told apart from the master's. */
  private static final class Tee extends FilterInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Closed by the caller's try, not by the parser: the rest is drained into the copy first. */
    @Override
    public void close() {}

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        try {
          copy.write(b, off, n);
        } catch (IOException e) {
          throw new CopyException(e);
        }
      }
      return n;
    }

    /** The local copy could not be written. */
    static final class CopyException extends java.io.UncheckedIOException {
      private static final long serialVersionUID = 1L;

      CopyException(IOException cause) {
        super(cause);
      }
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

  /** An I/O step against the master. */
  interface IoCall<T> {
    T call() throws IOException;
  }

  /** An I/O step against the master that returns nothing. */
  interface IoStep {
    void run() throws IOException;
  }

  void step(String what, IoStep step) {
    try {
      step.run();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
  }

  <T> T io(String what, IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
  }

  PachaException unreachable(String what, IOException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return PachaException.unreachable(
          "cannot " + what + ": the master denied access (" + msg + ")", e);
    }
    if (e instanceof dev.pacha.transport.TransportException) {
      return PachaException.unreachable("cannot " + what + ": " + msg, e);
    }
    return PachaException.unreachable(
        "cannot " + what + " on " + backend.describe() + ": " + msg, e);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
