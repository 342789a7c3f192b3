package dev.pacha.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The store's file operations ({@link Backend}'s list, read, upload, ...) as SFTP requests over one
 * {@link SftpClient}, with as few round trips as the protocol allows: reads and writes keep up to
 * 64 requests in flight, a missing directory path is made in one burst, a close is not waited for.
 */
final class SftpFiles {
  /** Bytes per read or write request: what every SFTP server takes (OpenSSH's sftp default). */
  static final int CHUNK = 32 * 1024;

  /** Requests of one stream in flight at once: OpenSSH's sftp keeps 64, 2 MiB. */
  static final int IN_FLIGHT = 64;

  /** Read requests a stream of unknown length starts with; one more per reply, up to 64. */
  static final int FIRST_WINDOW = 8;

  /** READDIR requests sent at once; those past the end answer EOF. */
  private static final int READDIR_AHEAD = 4;

  private final SftpClient sftp;
  private final String root;
  private final Function<String, String> describe;
  private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();

  /**
   * @param root the store's root on the server, absolute
   * @param describe where a relative path lies, for messages ({@link Backend#describe(String)})
   */
  SftpFiles(SftpClient sftp, String root, Function<String, String> describe) {
    this.sftp = sftp;
    this.root = root;
    this.describe = describe;
  }

  private String describe(String path) {
    return describe.apply(path);
  }

  private String abs(String path) {
    if (path.isEmpty() || path.equals(".")) {
      return root;
    }
    return root.equals("/") ? "/" + path : root + "/" + path;
  }

  private CompletableFuture<SftpPacket.Reply> send(SftpPacket.Builder request, boolean flush) {
    return sftp.send(request.id(), request.bytes(), flush);
  }

  private SftpPacket.Builder request(byte type) {
    return SftpPacket.Builder.request(type, sftp.nextId());
  }

  /** Waits for a reply; a connection that ended says during what. */
  private SftpPacket.Reply await(CompletableFuture<SftpPacket.Reply> reply, String op, String path)
      throws IOException {
    try {
      return SftpClient.await(reply);
    } catch (TransportException e) {
      throw new TransportException(
          "lost the connection to the master during "
              + op
              + " of "
              + describe(path)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private SftpPacket.Reply call(SftpPacket.Builder request, String op, String path)
      throws IOException {
    return await(send(request, true), op, path);
  }

  /** A STATUS reply that must say OK. */
  private void ok(SftpPacket.Reply r, String op, String path) throws IOException {
    if (r.type != SftpPacket.STATUS) {
      throw unexpected(r, op, path);
    }
    int code = r.getInt();
    if (code != SftpPacket.FX_OK) {
      throw failure(code, message(r), op, path);
    }
  }

  /** A HANDLE reply, or the failure its STATUS names. */
  private byte[] handle(SftpPacket.Reply r, String op, String path) throws IOException {
    if (r.type == SftpPacket.HANDLE) {
      return r.getString();
    }
    if (r.type == SftpPacket.STATUS) {
      int code = r.getInt();
      throw failure(code, message(r), op, path);
    }
    throw unexpected(r, op, path);
  }

  private static String message(SftpPacket.Reply r) {
    try {
      return r.remaining() >= 4 ? r.getUtf8() : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** A failed request as the store expects it (see {@link Backend}). */
  IOException failure(int code, String message, String op, String path) {
    String where = describe(path);
    return switch (code) {
      case SftpPacket.FX_NO_SUCH_FILE -> new NoSuchFileException(where);
      case SftpPacket.FX_PERMISSION_DENIED ->
          new AccessDeniedException(where, null, "the master denied " + op);
      case SftpPacket.FX_EOF ->
          new TransportException("the master ended " + where + " early during " + op);
      case SftpPacket.FX_OP_UNSUPPORTED ->
          new TransportException("the master cannot " + op + " " + where + " (not supported)");
      default ->
          new TransportException(
              "the master failed to "
                  + op
                  + " "
                  + where
                  + (message.isBlank() ? "" : " (it said: " + message.strip() + ")"));
    };
  }

  private TransportException unexpected(SftpPacket.Reply r, String op, String path) {
    return new TransportException(
        "the master answered "
            + op
            + " of "
            + describe(path)
            + " with a reply of type "
            + (r.type & 0xff)
            + ", which is not SFTP version 3");
  }

  /** Sends CLOSE and does not wait: the server closes in order, after the requests before it. */
  private void closeHandle(byte[] handle) {
    detached(request(SftpPacket.CLOSE).putString(handle));
  }

  private void detached(SftpPacket.Builder request) {
    sftp.sendDetached(request.id(), request.bytes());
  }

  List<String> list(String dir) throws IOException {
    SftpPacket.Reply r = call(request(SftpPacket.OPENDIR).putString(abs(dir)), "list", dir);
    if (r.type == SftpPacket.STATUS) {
      int code = r.getInt();
      if (code == SftpPacket.FX_NO_SUCH_FILE) {
        return List.of();
      }
      throw failure(code, message(r), "list", dir);
    }
    byte[] handle = handle(r, "list", dir);
    List<String> names = new ArrayList<>();
    try {
      boolean end = false;
      while (!end) {
        List<CompletableFuture<SftpPacket.Reply>> batch = new ArrayList<>();
        for (int i = 0; i < READDIR_AHEAD; i++) {
          batch.add(send(request(SftpPacket.READDIR).putString(handle), i == READDIR_AHEAD - 1));
        }
        for (CompletableFuture<SftpPacket.Reply> f : batch) {
          SftpPacket.Reply names1 = await(f, "list", dir);
          if (end) {
            continue; // past the end: EOF, read and dropped
          }
          if (names1.type == SftpPacket.STATUS) {
            int code = names1.getInt();
            if (code == SftpPacket.FX_EOF) {
              end = true;
              continue;
            }
            throw failure(code, message(names1), "list", dir);
          }
          if (names1.type != SftpPacket.NAME) {
            throw unexpected(names1, "list", dir);
          }
          int count = names1.getInt();
          for (int i = 0; i < count; i++) {
            String name = names1.getUtf8();
            names1.getString(); // the long name, as ls -l would print it
            names1.getAttrs();
            if (!name.equals(".") && !name.equals("..")) {
              names.add(name);
            }
          }
        }
      }
    } finally {
      closeHandle(handle);
    }
    Collections.sort(names);
    return names;
  }

  boolean exists(String path) throws IOException {
    SftpPacket.Reply r = call(request(SftpPacket.LSTAT).putString(abs(path)), "stat", path);
    if (r.type == SftpPacket.ATTRS) {
      return true;
    }
    if (r.type == SftpPacket.STATUS) {
      int code = r.getInt();
      if (code == SftpPacket.FX_NO_SUCH_FILE) {
        return false;
      }
      throw failure(code, message(r), "stat", path);
    }
    throw unexpected(r, "stat", path);
  }

  InputStream read(String path, long offset) throws IOException {
    return new ReadStream(path, open(path), offset, Long.MAX_VALUE, FIRST_WINDOW);
  }

  /** The whole range is asked for at once (up to 64 requests in flight), nothing past its end. */
  InputStream read(String path, long offset, long length) throws IOException {
    long end = length >= Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + length;
    int window = (int) Math.max(1, Math.min(IN_FLIGHT, (length + CHUNK - 1) / CHUNK));
    return new ReadStream(path, open(path), offset, end, window);
  }

  private byte[] open(String path) throws IOException {
    SftpPacket.Reply r =
        call(
            request(SftpPacket.OPEN).putString(abs(path)).putInt(SftpPacket.OPEN_READ).putNoAttrs(),
            "read",
            path);
    return handle(r, "read", path);
  }

  Backend.Upload upload(String path) throws IOException {
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(path.substring(0, slash));
    }
    String target = abs(path);
    String tmp =
        target.substring(0, target.lastIndexOf('/') + 1)
            + "."
            + target.substring(target.lastIndexOf('/') + 1)
            + ".tmp-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong());
    SftpPacket.Reply r =
        call(
            request(SftpPacket.OPEN)
                .putString(tmp)
                .putInt(
                    SftpPacket.OPEN_WRITE
                        | SftpPacket.OPEN_CREATE
                        | SftpPacket.OPEN_TRUNCATE
                        | SftpPacket.OPEN_EXCLUSIVE)
                .putNoAttrs(),
            "write",
            path);
    byte[] handle = handle(r, "write", path);
    return new Uploading(path, tmp, target, handle);
  }

  /**
   * Creates what is missing of {@code dir} in one round trip: a MKDIR for every part, then a STAT
   * of each, all in flight at once (the server takes them in order). A MKDIR of a part that exists
   * fails harmlessly; the STATs say whether each part is now a directory.
   */
  void mkdirs(String dir) throws IOException {
    if (dir.isEmpty() || knownDirs.contains(dir)) {
      return;
    }
    List<String> parts = new ArrayList<>();
    StringBuilder sofar = new StringBuilder();
    for (String part : dir.split("/")) {
      if (sofar.length() > 0) {
        sofar.append('/');
      }
      sofar.append(part);
      if (!knownDirs.contains(sofar.toString())) {
        parts.add(sofar.toString());
      }
    }
    List<CompletableFuture<SftpPacket.Reply>> made = new ArrayList<>();
    List<CompletableFuture<SftpPacket.Reply>> stats = new ArrayList<>();
    for (String p : parts) {
      made.add(send(request(SftpPacket.MKDIR).putString(abs(p)).putNoAttrs(), false));
    }
    for (int i = 0; i < parts.size(); i++) {
      stats.add(send(request(SftpPacket.STAT).putString(abs(parts.get(i))), i == parts.size() - 1));
    }
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i);
      SftpPacket.Reply mk = await(made.get(i), "create directory", p);
      SftpPacket.Reply st = await(stats.get(i), "create directory", p);
      if (st.type == SftpPacket.ATTRS) {
        SftpPacket.Attrs attrs = st.getAttrs();
        // A server that does not say the type is taken at its word that the MKDIR was needless.
        if (attrs.permissions() != -1 && !attrs.isDirectory()) {
          throw new TransportException(abs(p) + " on the master is not a directory");
        }
        knownDirs.add(p);
        continue;
      }
      // Not there after the MKDIR: the MKDIR's own failure says why.
      if (mk.type == SftpPacket.STATUS) {
        int code = mk.getInt();
        if (code != SftpPacket.FX_OK) {
          throw failure(code, message(mk), "create directory", p);
        }
      }
      if (st.type == SftpPacket.STATUS) {
        throw failure(st.getInt(), message(st), "create directory", p);
      }
      throw unexpected(st, "create directory", p);
    }
  }

  void delete(String path) throws IOException {
    SftpPacket.Reply r = call(request(SftpPacket.REMOVE).putString(abs(path)), "delete", path);
    if (r.type != SftpPacket.STATUS) {
      throw unexpected(r, "delete", path);
    }
    int code = r.getInt();
    if (code != SftpPacket.FX_OK && code != SftpPacket.FX_NO_SUCH_FILE) {
      throw failure(code, message(r), "delete", path);
    }
  }

  /**
   * Reads a file from an offset with up to {@code window} requests in flight. The server answers in
   * the order asked (OpenSSH's sftp-server does), but a reply to any request may come short: the
   * rest is asked for again before anything after it is handed out.
   */
  private final class ReadStream extends InputStream {
    private record Pending(long offset, int length, CompletableFuture<SftpPacket.Reply> reply) {}

    private final String path;
    private final byte[] handle;
    private final long end;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int window;
    private long next;
    private long pos;
    private SftpPacket.Reply current;
    private int left;
    private boolean eof;
    private boolean closed;

    ReadStream(String path, byte[] handle, long offset, long end, int window) {
      this.path = path;
      this.handle = handle;
      this.end = end;
      this.window = window;
      this.next = offset;
      this.pos = offset;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("read of " + describe(path) + " after it was closed");
      }
      if (len == 0) {
        return 0;
      }
      while (left == 0) {
        if (eof || pos >= end) {
          return -1;
        }
        advance();
      }
      int n = Math.min(len, left);
      current.copy(b, off, n);
      left -= n;
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Bytes already here are dropped; further ones are asked for from the new place on.
      if (n <= 0) {
        return 0;
      }
      long dropped = Math.min(n, left);
      if (dropped > 0) {
        byte[] sink = new byte[(int) Math.min(dropped, CHUNK)];
        long done = 0;
        while (done < dropped) {
          int k = (int) Math.min(sink.length, dropped - done);
          current.copy(sink, 0, k);
          done += k;
        }
        left -= (int) dropped;
        pos += dropped;
      }
      return dropped > 0 ? dropped : super.skip(n);
    }

    @Override
    public int available() {
      return left;
    }

    private void topUp() {
      boolean sent = false;
      while (queue.size() < window && next < end) {
        int n = (int) Math.min(CHUNK, end - next);
        queue.addLast(new Pending(next, n, readAt(next, n, false)));
        next += n;
        sent = true;
      }
      if (sent) {
        sftp.flush();
      }
    }

    private CompletableFuture<SftpPacket.Reply> readAt(long offset, int n, boolean flush) {
      return send(request(SftpPacket.READ).putString(handle).putLong(offset).putInt(n), flush);
    }

    private void advance() throws IOException {
      topUp();
      Pending head = queue.pollFirst();
      if (head == null) {
        eof = true;
        return;
      }
      SftpPacket.Reply r = await(head.reply(), "read", path);
      if (r.type == SftpPacket.STATUS) {
        int code = r.getInt();
        if (code == SftpPacket.FX_EOF) {
          eof = true;
          return;
        }
        throw failure(code, message(r), "read", path);
      }
      if (r.type != SftpPacket.DATA) {
        throw unexpected(r, "read", path);
      }
      int n = r.getStringLength();
      if (n > head.length()) {
        throw new TransportException(
            "the master sent more of " + describe(path) + " than was asked for");
      }
      current = r;
      left = n;
      if (window < IN_FLIGHT) {
        window++;
      }
      if (n < head.length()) {
        shortRead(head, n);
      }
    }

    /**
     * The server sent less than asked. When the next request already in flight says EOF, the file
     * ends here (how OpenSSH's server answers at the end of a file): no further round trip. Else
     * the missing bytes are asked for, to come before the rest.
     */
    private void shortRead(Pending head, int got) throws IOException {
      Pending after = queue.peekFirst();
      if (after != null) {
        SftpPacket.Reply r = await(after.reply(), "read", path);
        if (r.type == SftpPacket.STATUS && r.getInt() == SftpPacket.FX_EOF) {
          queue.clear(); // every later request ends the same way
          next = end;
          eof = true;
          return;
        }
        // Not the end: that reply is handed out in its turn, read again from its start.
        queue.pollFirst();
        queue.addFirst(
            new Pending(
                after.offset(), after.length(), CompletableFuture.completedFuture(r.rewound())));
      }
      long from = head.offset() + got;
      int rest = head.length() - got;
      queue.addFirst(new Pending(from, rest, readAt(from, rest, true)));
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        queue.clear();
        closeHandle(handle);
      }
    }
  }

  /** An upload to a temporary name, renamed into place by commit. */
  private final class Uploading implements Backend.Upload {
    private final String path;
    private final String tmp;
    private final String target;
    private final byte[] handle;
    private final WriteStream stream;
    private boolean done;

    Uploading(String path, String tmp, String target, byte[] handle) {
      this.path = path;
      this.tmp = tmp;
      this.target = target;
      this.handle = handle;
      this.stream = new WriteStream(path, handle);
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    /**
     * Sends what is left, then fsync (when the server offers it) and CLOSE in the same burst, and
     * renames only after all of it succeeded: a failed write never becomes the file.
     */
    @Override
    public void commit() throws IOException {
      stream.finishSending();
      CompletableFuture<SftpPacket.Reply> synced = null;
      if (sftp.supports("fsync@openssh.com")) {
        synced =
            send(
                request(SftpPacket.EXTENDED).putString("fsync@openssh.com").putString(handle),
                false);
      }
      CompletableFuture<SftpPacket.Reply> closed =
          send(request(SftpPacket.CLOSE).putString(handle), true);
      stream.awaitAll();
      if (synced != null) {
        ok(await(synced, "write", path), "write", path);
      }
      stream.closedOnServer = true;
      ok(await(closed, "write", path), "write", path);
      SftpPacket.Builder rename =
          sftp.supports("posix-rename@openssh.com")
              // An atomic replace, as rename(2): the old file stays whole until the new one is in.
              ? request(SftpPacket.EXTENDED)
                  .putString("posix-rename@openssh.com")
                  .putString(tmp)
                  .putString(target)
              : request(SftpPacket.RENAME).putString(tmp).putString(target);
      ok(call(rename, "publish", path), "publish", path);
      done = true;
    }

    @Override
    public void close() {
      if (done) {
        return;
      }
      // Best effort, not waited for: a stray temporary file is never read as data.
      if (!stream.closedOnServer) {
        closeHandle(handle);
      }
      detached(request(SftpPacket.REMOVE).putString(tmp));
    }
  }

  /** Writes in 32 KiB requests, up to 64 in flight; a failure shows at the next write or commit. */
  private final class WriteStream extends OutputStream {
    private final String path;
    private final byte[] handle;
    private final byte[] buf = new byte[CHUNK];
    private final ArrayDeque<CompletableFuture<SftpPacket.Reply>> acks = new ArrayDeque<>();
    private int fill;
    private long offset;
    boolean closedOnServer;

    WriteStream(String path, byte[] handle) {
      this.path = path;
      this.handle = handle;
    }

    @Override
    public void write(int b) throws IOException {
      if (fill == buf.length) {
        sendChunk(true);
      }
      buf[fill++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      while (len > 0) {
        if (fill == buf.length) {
          sendChunk(true);
        }
        int n = Math.min(len, buf.length - fill);
        System.arraycopy(b, off, buf, fill, n);
        fill += n;
        off += n;
        len -= n;
      }
    }

    /** Nothing is sent early: data goes in whole requests, the rest at commit. */
    @Override
    public void flush() {}

    private void sendChunk(boolean flush) throws IOException {
      acks.addLast(
          send(
              request(SftpPacket.WRITE).putString(handle).putLong(offset).putString(buf, 0, fill),
              flush));
      offset += fill;
      fill = 0;
      while (acks.size() >= IN_FLIGHT) {
        ok(await(acks.pollFirst(), "write", path), "write", path);
      }
    }

    void finishSending() throws IOException {
      if (fill > 0) {
        sendChunk(false);
      }
    }

    void awaitAll() throws IOException {
      while (!acks.isEmpty()) {
        ok(await(acks.pollFirst(), "write", path), "write", path);
      }
    }
  }
}
