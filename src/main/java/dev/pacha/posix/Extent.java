package dev.pacha.posix;

/** A run of data in a file ({@code [offset, offset + length)}); what lies between is a hole. */
public record Extent(long offset, long length) {
  public long end() {
    return offset + length;
  }
}
