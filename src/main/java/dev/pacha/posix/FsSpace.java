package dev.pacha.posix;

/**
 * What statvfs tells of a file system: sizes in bytes, inode counts, and whether it is mounted
 * read-only. {@code availableBytes} is what an unprivileged user may still write ({@code freeBytes}
 * includes the blocks reserved for root).
 */
public record FsSpace(
    long blockSize,
    long totalBytes,
    long freeBytes,
    long availableBytes,
    long totalInodes,
    long freeInodes,
    boolean readOnly) {}
