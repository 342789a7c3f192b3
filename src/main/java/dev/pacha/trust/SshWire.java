package dev.pacha.trust;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SSH wire encoding (RFC 4251 section 5): uint32, string, mpint. Keys, certificates and
 * signatures are all built from it. Malformed input is an {@link IllegalArgumentException}; the
 * public classes turn it into a message about the file it came from.
 */
final class SshWire {
  private SshWire() {}

  /** Reads a blob front to back; every read checks the bounds. */
  static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    int position() {
      return pos;
    }

    byte[] data() {
      return data;
    }

    boolean done() {
      return pos == data.length;
    }

    int u8() {
      need(1);
      return data[pos++] & 0xff;
    }

    long u32() {
      need(4);
      long v =
          ((long) (data[pos] & 0xff) << 24)
              | ((data[pos + 1] & 0xff) << 16)
              | ((data[pos + 2] & 0xff) << 8)
              | (data[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long u64() {
      long high = u32();
      long low = u32();
      return (high << 32) | low;
    }

    byte[] raw(int n) {
      need(n);
      byte[] out = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return out;
    }

    byte[] string() {
      long n = u32();
      if (n > data.length - pos) {
        throw new IllegalArgumentException("a field is longer than the data that holds it");
      }
      return raw((int) n);
    }

    String text() {
      return new String(string(), StandardCharsets.UTF_8);
    }

    BigInteger mpint() {
      byte[] b = string();
      return b.length == 0 ? BigInteger.ZERO : new BigInteger(b);
    }

    /** Fails unless every byte was read: trailing bytes would be signed but never looked at. */
    void end() {
      if (!done()) {
        throw new IllegalArgumentException((data.length - pos) + " unexpected trailing bytes");
      }
    }

    private void need(int n) {
      if (n < 0 || n > data.length - pos) {
        throw new IllegalArgumentException("truncated");
      }
    }
  }

  /** Builds a blob. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer u8(int v) {
      out.write(v);
      return this;
    }

    Writer u32(long v) {
      out.write((int) (v >>> 24));
      out.write((int) (v >>> 16));
      out.write((int) (v >>> 8));
      out.write((int) v);
      return this;
    }

    Writer string(byte[] b) {
      u32(b.length);
      return raw(b);
    }

    Writer string(String s) {
      return string(s.getBytes(StandardCharsets.UTF_8));
    }

    Writer mpint(BigInteger v) {
      return string(v.signum() == 0 ? new byte[0] : v.toByteArray());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
