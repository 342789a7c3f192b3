package dev.pacha.posix;

/** How {@link Dir#rename} treats a name that already exists at the destination. */
public enum RenameMode {
  /** Replace it, as rename(2) does (a directory only by an empty directory). */
  REPLACE(0),
  /** Refuse with FileAlreadyExistsException (RENAME_NOREPLACE): never overwrite. */
  NOREPLACE(1),
  /**
   * Swap the two names atomically (RENAME_EXCHANGE), both must exist: how a directory is replaced
   * whole, with the old one kept under the other name.
   */
  EXCHANGE(2);

  final int flags;

  RenameMode(int flags) {
    this.flags = flags;
  }
}
