package dev.pacha.trust;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Just enough DER to read PEM private keys (PKCS#1 RSA, SEC1 EC, PKCS#8): sequences, integers,
 * octet and bit strings, object identifiers and explicit tags. Malformed input is an
 * IllegalArgumentException.
 */
final class Der {
  private final byte[] data;
  private int pos;
  private final int end;

  Der(byte[] data) {
    this(data, 0, data.length);
  }

  private Der(byte[] data, int from, int to) {
    this.data = data;
    this.pos = from;
    this.end = to;
  }

  boolean done() {
    return pos >= end;
  }

  int peekTag() {
    if (done()) {
      throw new IllegalArgumentException("DER: truncated");
    }
    return data[pos] & 0xff;
  }

  Der sequence() {
    return inner(0x30);
  }

  /** The contents of an explicit context tag [n]. */
  Der explicit(int n) {
    return inner(0xa0 + n);
  }

  BigInteger integer() {
    return new BigInteger(value(0x02));
  }

  byte[] octets() {
    return value(0x04);
  }

  byte[] bitString() {
    byte[] v = value(0x03);
    if (v.length == 0 || v[0] != 0) {
      throw new IllegalArgumentException("DER: unsupported bit string");
    }
    return Arrays.copyOfRange(v, 1, v.length);
  }

  String oid() {
    byte[] v = value(0x06);
    if (v.length == 0) {
      throw new IllegalArgumentException("DER: empty object identifier");
    }
    StringBuilder sb = new StringBuilder();
    sb.append(Math.min((v[0] & 0xff) / 40, 2)).append('.');
    sb.append((v[0] & 0xff) - 40 * Math.min((v[0] & 0xff) / 40, 2));
    long n = 0;
    for (int i = 1; i < v.length; i++) {
      n = (n << 7) | (v[i] & 0x7f);
      if ((v[i] & 0x80) == 0) {
        sb.append('.').append(n);
        n = 0;
      }
    }
    return sb.toString();
  }

  /** Skips one element of any type. */
  void skip() {
    header(peekTag());
    pos = contentEnd;
  }

  private int contentEnd;

  private Der inner(int tag) {
    int start = header(tag);
    pos = contentEnd;
    return new Der(data, start, contentEnd);
  }

  private byte[] value(int tag) {
    int start = header(tag);
    pos = contentEnd;
    return Arrays.copyOfRange(data, start, contentEnd);
  }

  /** Reads a tag and length; returns where the contents start and sets {@link #contentEnd}. */
  private int header(int tag) {
    if (peekTag() != tag) {
      throw new IllegalArgumentException(
          "DER: expected tag "
              + Integer.toHexString(tag)
              + ", found "
              + Integer.toHexString(peekTag()));
    }
    int p = pos + 1;
    if (p >= end) {
      throw new IllegalArgumentException("DER: truncated");
    }
    int len = data[p++] & 0xff;
    if (len >= 0x80) {
      int bytes = len - 0x80;
      if (bytes < 1 || bytes > 3 || p + bytes > end) {
        throw new IllegalArgumentException("DER: bad length");
      }
      len = 0;
      for (int i = 0; i < bytes; i++) {
        len = (len << 8) | (data[p++] & 0xff);
      }
    }
    if (len > end - p) {
      throw new IllegalArgumentException("DER: truncated");
    }
    contentEnd = p + len;
    return p;
  }
}
