package dev.pacha.posix;

/**
 * A name in a directory, as getdents gives it: no system call per entry.
 *
 * @param name the byte-exact name ({@link PathBytes})
 * @param type from d_type; null when the file system does not say (lstat then)
 * @param ino the inode number
 */
public record DirEntry(String name, FileType type, long ino) {}
