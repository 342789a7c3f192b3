/**
 * The native file-system layer: the only package that makes system calls through JNA, and the only
 * JNA user. Everything Java 17 cannot do for pacha's fidelity and placement lives here.
 *
 * <ul>
 *   <li>{@link dev.pacha.posix.PathBytes}: names as byte-exact Strings (PEP 383), their hex form
 *       and tree order by bytes.
 *   <li>{@link dev.pacha.posix.Posix}: opening directories ({@code openDirNoSymlinks} refuses a
 *       symlink anywhere on the path), lstat and xattrs by path.
 *   <li>{@link dev.pacha.posix.Dir}: the *at calls relative to an open directory, never following a
 *       symlink: lstat, list, open, create, mkdir, symlink, readlink, mknod, link, rename
 *       (NOREPLACE, EXCHANGE), unlink, rmdir, chown, chmod, times (ns), xattrs.
 *   <li>{@link dev.pacha.posix.OpenFile}: contents (JNA read/write, or a FileChannel on the same
 *       open file), data extents (SEEK_DATA/SEEK_HOLE), a hole-keeping copy, truncate, fsync.
 *   <li>Errors: {@link dev.pacha.posix.PosixFailure} (errno, operation), thrown as the fitting
 *       java.nio.file exception or as {@link dev.pacha.posix.PosixException}; {@link
 *       dev.pacha.posix.NativeUnavailableException} when the layer cannot load.
 * </ul>
 *
 * <p>Restoring an entry, the order matters: write the contents, then chown (it clears setuid,
 * setgid and security.capability), then chmod, then the xattrs (ACLs, capabilities, labels), then
 * the times last (every other change moves ctime, and writing moves mtime).
 *
 * <p>Durability of a batch: write every file, one {@link dev.pacha.posix.Handle#syncfs()}, then the
 * renames, then {@link dev.pacha.posix.Handle#fsync()} of each directory renamed into.
 */
package dev.pacha.posix;
