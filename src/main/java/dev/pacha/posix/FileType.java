package dev.pacha.posix;

/** What a directory entry is, as lstat tells; {@link #manifestName} is the manifest's word. */
public enum FileType {
  FILE("file"),
  DIR("dir"),
  SYMLINK("symlink"),
  FIFO("fifo"),
  SOCKET("socket"),
  CHAR("char"),
  BLOCK("block");

  private final String manifestName;

  FileType(String manifestName) {
    this.manifestName = manifestName;
  }

  /** "file", "dir", "symlink", "fifo", "socket", "char", "block" (docs/FORMAT.md). */
  public String manifestName() {
    return manifestName;
  }

  static final int S_IFMT = 0170000;

  /** The S_IF* bits of this type. */
  int bits() {
    return switch (this) {
      case FILE -> 0100000;
      case DIR -> 0040000;
      case SYMLINK -> 0120000;
      case FIFO -> 0010000;
      case SOCKET -> 0140000;
      case CHAR -> 0020000;
      case BLOCK -> 0060000;
    };
  }

  /** The type in a st_mode; null for bits no type has. */
  static FileType ofMode(int mode) {
    return switch (mode & S_IFMT) {
      case 0100000 -> FILE;
      case 0040000 -> DIR;
      case 0120000 -> SYMLINK;
      case 0010000 -> FIFO;
      case 0140000 -> SOCKET;
      case 0020000 -> CHAR;
      case 0060000 -> BLOCK;
      default -> null;
    };
  }

  /** The type of a getdents d_type; null for DT_UNKNOWN (some file systems: lstat to know). */
  static FileType ofDirentType(int dtype) {
    return switch (dtype) {
      case 8 -> FILE;
      case 4 -> DIR;
      case 10 -> SYMLINK;
      case 1 -> FIFO;
      case 12 -> SOCKET;
      case 2 -> CHAR;
      case 6 -> BLOCK;
      default -> null;
    };
  }
}
