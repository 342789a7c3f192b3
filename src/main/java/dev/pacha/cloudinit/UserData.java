package dev.pacha.cloudinit;

/**
 * Rendered user-data, ready to hand to EC2 (which base64-encodes it once) or a NoCloud seed.
 *
 * @param bytes exactly what to pass as user-data (gzip data when gzipped; never base64)
 * @param plainSize the size before gzip
 * @param gzipped whether {@link #bytes} is gzip data
 * @param holdsPrivateKey whether a private key is inside (write the file 0600)
 */
public record UserData(byte[] bytes, int plainSize, boolean gzipped, boolean holdsPrivateKey) {
  /** EC2's limit on user-data, in bytes, before its base64 encoding. */
  public static final int EC2_LIMIT = 16384;
}
