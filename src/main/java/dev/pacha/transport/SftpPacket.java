package dev.pacha.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SFTP version 3 packets (draft-ietf-secsh-filexfer-02, as OpenSSH's sftp-server speaks it): the
 * numbers of the protocol, a builder for requests and a reader for replies. Every packet is a
 * uint32 length, then a type byte, then (for all but INIT and VERSION) a uint32 request id.
 */
final class SftpPacket {
  static final int VERSION = 3;

  static final byte INIT = 1;
  static final byte VERSION_REPLY = 2;
  static final byte OPEN = 3;
  static final byte CLOSE = 4;
  static final byte READ = 5;
  static final byte WRITE = 6;
  static final byte LSTAT = 7;
  static final byte FSTAT = 8;
  static final byte OPENDIR = 11;
  static final byte READDIR = 12;
  static final byte REMOVE = 13;
  static final byte MKDIR = 14;
  static final byte STAT = 17;
  static final byte RENAME = 18;
  static final byte STATUS = 101;
  static final byte HANDLE = 102;
  static final byte DATA = 103;
  static final byte NAME = 104;
  static final byte ATTRS = 105;
  static final byte EXTENDED = (byte) 200;
  static final byte EXTENDED_REPLY = (byte) 201;

  static final int FX_OK = 0;
  static final int FX_EOF = 1;
  static final int FX_NO_SUCH_FILE = 2;
  static final int FX_PERMISSION_DENIED = 3;
  static final int FX_FAILURE = 4;
  static final int FX_OP_UNSUPPORTED = 8;

  static final int OPEN_READ = 0x01;
  static final int OPEN_WRITE = 0x02;
  static final int OPEN_CREATE = 0x08;
  static final int OPEN_TRUNCATE = 0x10;
  static final int OPEN_EXCLUSIVE = 0x20;

  static final int ATTR_SIZE = 0x01;
  static final int ATTR_UIDGID = 0x02;
  static final int ATTR_PERMISSIONS = 0x04;
  static final int ATTR_ACMODTIME = 0x08;
  static final int ATTR_EXTENDED = 0x80000000;

  /** File type bits of a mode, as in stat(2). */
  static final int S_IFMT = 0170000;

  static final int S_IFDIR = 0040000;

  /**
   * The largest reply accepted. OpenSSH's sftp-server sends at most 256 KiB; a longer length means
   * the stream is not SFTP (a shell's greeting printed by a login script, say).
   */
  static final int MAX_PACKET = 1 << 20;

  private SftpPacket() {}

  /** Builds one packet; {@link #bytes()} fills in its length. */
  static final class Builder {
    private byte[] buf;
    private int len = 4;
    private int id;

    Builder(byte type, int capacity) {
      buf = new byte[Math.max(16, capacity + 9)];
      putByte(type);
    }

    /** A request: its type, then its id. */
    static Builder request(byte type, int id) {
      Builder b = new Builder(type, 64).putInt(id);
      b.id = id;
      return b;
    }

    /** The request id ({@link #request}), 0 for INIT. */
    int id() {
      return id;
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    Builder putByte(byte b) {
      ensure(1);
      buf[len++] = b;
      return this;
    }

    Builder putInt(int v) {
      ensure(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
      return this;
    }

    Builder putLong(long v) {
      putInt((int) (v >>> 32));
      return putInt((int) v);
    }

    Builder putString(byte[] b, int off, int n) {
      putInt(n);
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
      return this;
    }

    Builder putString(byte[] b) {
      return putString(b, 0, b.length);
    }

    Builder putString(String s) {
      return putString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Empty attributes: the server's defaults. */
    Builder putNoAttrs() {
      return putInt(0);
    }

    /** The whole packet, length first. */
    byte[] bytes() {
      int n = len - 4;
      buf[0] = (byte) (n >>> 24);
      buf[1] = (byte) (n >>> 16);
      buf[2] = (byte) (n >>> 8);
      buf[3] = (byte) n;
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
  }

  /** One packet as received: its type, its request id (0 for VERSION) and the rest to read. */
  static final class Reply {
    final byte type;
    final int id;
    private final byte[] body;
    private final int start;
    private int pos;

    Reply(byte type, int id, byte[] body, int pos) {
      this.type = type;
      this.id = id;
      this.body = body;
      this.start = pos;
      this.pos = pos;
    }

    /** The same reply, to be read again from its first field after the id. */
    Reply rewound() {
      return new Reply(type, id, body, start);
    }

    int remaining() {
      return body.length - pos;
    }

    private void need(int n) throws IOException {
      if (n < 0 || body.length - pos < n) {
        throw new SftpProtocolException("a reply of type " + (type & 0xff) + " is cut short");
      }
    }

    byte getByte() throws IOException {
      need(1);
      return body[pos++];
    }

    int getInt() throws IOException {
      need(4);
      int v =
          ((body[pos] & 0xff) << 24)
              | ((body[pos + 1] & 0xff) << 16)
              | ((body[pos + 2] & 0xff) << 8)
              | (body[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long getLong() throws IOException {
      long hi = getInt() & 0xffffffffL;
      return (hi << 32) | (getInt() & 0xffffffffL);
    }

    byte[] getString() throws IOException {
      int n = getInt();
      need(n);
      byte[] s = Arrays.copyOfRange(body, pos, pos + n);
      pos += n;
      return s;
    }

    /** A string's length, leaving its bytes to {@link #copy}: data is copied once, not twice. */
    int getStringLength() throws IOException {
      int n = getInt();
      need(n);
      return n;
    }

    /** Copies {@code n} bytes out of the body into {@code to}. */
    void copy(byte[] to, int off, int n) throws IOException {
      need(n);
      System.arraycopy(body, pos, to, off, n);
      pos += n;
    }

    String getUtf8() throws IOException {
      return new String(getString(), StandardCharsets.UTF_8);
    }

    /** File attributes; only size and permissions are kept, the rest is read past. */
    Attrs getAttrs() throws IOException {
      int flags = getInt();
      long size = -1;
      int permissions = -1;
      if ((flags & ATTR_SIZE) != 0) {
        size = getLong();
      }
      if ((flags & ATTR_UIDGID) != 0) {
        getInt();
        getInt();
      }
      if ((flags & ATTR_PERMISSIONS) != 0) {
        permissions = getInt();
      }
      if ((flags & ATTR_ACMODTIME) != 0) {
        getInt();
        getInt();
      }
      if ((flags & ATTR_EXTENDED) != 0) {
        int count = getInt();
        for (int i = 0; i < count; i++) {
          getString();
          getString();
        }
      }
      return new Attrs(size, permissions);
    }
  }

  /**
   * What pacha needs of a file's attributes.
   *
   * @param size bytes, or -1 when the server did not say
   * @param permissions mode bits with the type, or -1 when the server did not say
   */
  record Attrs(long size, int permissions) {
    boolean isDirectory() {
      return permissions != -1 && (permissions & S_IFMT) == S_IFDIR;
    }
  }

  /**
   * Reads one whole packet, however the bytes arrive (a pipe hands them over in pieces).
   *
   * @throws EOFException when the stream ends before a packet starts or in the middle of one
   */
  static Reply read(InputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("the SFTP stream ended");
    }
    byte[] head = new byte[4];
    head[0] = (byte) first;
    readFully(in, head, 1, 3);
    int length =
        ((head[0] & 0xff) << 24)
            | ((head[1] & 0xff) << 16)
            | ((head[2] & 0xff) << 8)
            | (head[3] & 0xff);
    if (length < 1 || length > MAX_PACKET) {
      throw new SftpProtocolException(
          "the master's SFTP server sent a packet of "
              + Integer.toUnsignedString(length)
              + " bytes, which is not SFTP (does a login script print text?)");
    }
    byte[] body = new byte[length];
    readFully(in, body, 0, length);
    byte type = body[0];
    if (type == VERSION_REPLY) {
      return new Reply(type, 0, body, 1);
    }
    if (length < 5) {
      throw new SftpProtocolException("a reply of type " + (type & 0xff) + " has no request id");
    }
    int id =
        ((body[1] & 0xff) << 24)
            | ((body[2] & 0xff) << 16)
            | ((body[3] & 0xff) << 8)
            | (body[4] & 0xff);
    return new Reply(type, id, body, 5);
  }

  private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        throw new EOFException("the SFTP stream ended in the middle of a packet");
      }
      done += n;
    }
  }

  /** The peer does not speak SFTP as agreed: the connection cannot go on. */
  static final class SftpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    SftpProtocolException(String message) {
      super(message);
    }
  }
}
