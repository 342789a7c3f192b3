package dev.pacha.master;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The one gate every SFTP path passes through. Sessions see the hosts path as {@code /}; a host's
 * session finds only its own directory there ({@code /bar}), an admin session every host's. The
 * master's own {@code .pacha-master} directory is shown to no one.
 *
 * <p>Paths are normalised here, before anything touches the disk: {@code ..} stops at {@code /},
 * absolute and relative paths mean the same, and a path outside the session's directory is refused
 * whether it exists or not (so a refusal says nothing about other hosts). Links are never made over
 * SFTP, and a link already on disk (put there by someone on the master) is followed only when its
 * target stays inside the same host's directory. {@code /} itself is read-only. Owners, groups and
 * ACLs are never changed: the master may run as root, and a host must not hand files to others.
 *
 * <p>A host's key may only add to its directory ({@link AppendOnly}); an admin key may change
 * anything but owners. What is created is 0700 (directories) or 0600 (files), whatever mode the
 * client asks for.
 *
 * <p>A rename syncs the directory afterwards, and files written are synced on close (MINA's
 * sftp-auto-fsync-on-close), so "OK" to a client means the data is on disk.
 */
final class HostViewAccessor implements SftpFileSystemAccessor {
  private final Path realRoot;
  private final Path stateDir;
  private final Path hostKey;
  private final KeyFiles keyFiles;

  /** The directory the current mkdir request made (one SFTP channel runs on one thread). */
  private final ThreadLocal<Path> making = new ThreadLocal<>();

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private static final String EXISTS =
      "it exists, and a host's key never overwrites (the store is append-only for hosts)";

  /**
   * @param realRoot the hosts path, with links resolved
   * @param hostKey the master's host key file, never served even if an operator put it inside
   */
  HostViewAccessor(Path realRoot, Path hostKey, KeyFiles keyFiles) {
    this.realRoot = realRoot;
    this.keyFiles = keyFiles;
    this.stateDir = realRoot.resolve(MasterKeys.STATE_DIR);
    this.hostKey = hostKey.toAbsolutePath().normalize();
  }

  /**
   * The session's access; a session without one (cannot happen after login) gets nothing, and
   * neither does one whose key was revoked since it logged in.
   */
  Access access(SftpSubsystemProxy subsystem) throws AccessDeniedException {
    ServerSession session = subsystem.getServerSession();
    Access access = session.getAttribute(Access.KEY);
    if (access == null || (!access.admin() && !access.host().equals(session.getUsername()))) {
      throw new AccessDeniedException("/", null, "this session has no access");
    }
    if (!keyFiles.stillAllows(access)) {
      throw new AccessDeniedException(
          "/", null, "the key this session logged in with was revoked on the master");
    }
    return access;
  }

  /** Splits a client's path into names under {@code /}, resolving . and .. without the disk. */
  static List<String> names(String remotePath) {
    List<String> names = new ArrayList<>();
    for (String part : remotePath.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!names.isEmpty()) {
          names.remove(names.size() - 1);
        }
        continue;
      }
      names.add(part);
    }
    return names;
  }

  @Override
  public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath)
      throws IOException {
    Access access = access(subsystem);
    List<String> names = names(remotePath);
    String shown = "/" + String.join("/", names);
    if (!names.isEmpty()) {
      String top = names.get(0);
      if (top.equals(MasterKeys.STATE_DIR)) {
        throw denied(shown, "the master's own directory is not served");
      }
      if (!access.admin() && !top.equals(access.host())) {
        throw denied(shown, "host " + access.host() + " may use /" + access.host() + " only");
      }
      checkLinks(names, shown);
    }
    return rootDir.getFileSystem().getPath(shown);
  }

  /**
   * Follows the path on disk: each link met must lead somewhere inside the same top directory (the
   * host's), and nothing may land in the master's own files.
   */
  private void checkLinks(List<String> names, String shown) throws IOException {
    Path cur = realRoot;
    Path top = null;
    for (String name : names) {
      Path next = cur.resolve(name);
      if (Files.isSymbolicLink(next)) {
        Path target;
        try {
          target = next.toRealPath();
        } catch (IOException e) {
          throw denied(shown, "it goes through a link that leads nowhere");
        }
        // The top directory itself may be a link an operator made (/pacha/hosts/bar -> /data/bar).
        if (top != null && !target.startsWith(top)) {
          throw denied(shown, "it goes through a link that leaves the host's directory");
        }
        next = target;
      } else if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (next.startsWith(stateDir) || next.equals(hostKey)) {
        throw denied(shown, "the master's own files are not served");
      }
      if (top == null) {
        top = next;
      }
      cur = next;
    }
  }

  private static AccessDeniedException denied(String path, String why) {
    return new AccessDeniedException(path, null, "permission denied: " + why);
  }

  private static boolean isRoot(Path p) {
    return p.toAbsolutePath().normalize().getNameCount() == 0;
  }

  private static void requireNotRoot(Path p) throws AccessDeniedException {
    if (isRoot(p)) {
      throw denied("/", "the top directory is read-only");
    }
  }

  @Override
  public DirectoryStream<Path> openDirectory(
      SftpSubsystemProxy subsystem,
      DirectoryHandle dirHandle,
      Path dir,
      String handle,
      LinkOption... options)
      throws IOException {
    Access access = access(subsystem);
    DirectoryStream<Path> all =
        SftpFileSystemAccessor.super.openDirectory(subsystem, dirHandle, dir, handle, options);
    if (!isRoot(dir)) {
      return all;
    }
    return new Filtered(
        all,
        p -> {
          String name = p.getFileName().toString();
          return access.admin() ? !name.equals(MasterKeys.STATE_DIR) : name.equals(access.host());
        });
  }

  /**
   * Opens a file. Whatever mode the client asks for, a new file is 0600 (host data is the master's
   * alone). A host's key writes only files that do not exist yet: the open is made exclusive, so an
   * existing file is never reopened for writing or truncated, not even in a race.
   */
  @Override
  public SeekableByteChannel openFile(
      SftpSubsystemProxy subsystem,
      FileHandle fileHandle,
      Path file,
      String handle,
      Set<? extends OpenOption> options,
      FileAttribute<?>... attrs)
      throws IOException {
    boolean writes =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (!writes) {
      return SftpFileSystemAccessor.super.openFile(
          subsystem, fileHandle, file, handle, options, PRIVATE_FILE);
    }
    requireNotRoot(file);
    Set<OpenOption> opts = new HashSet<>(options);
    if (!access(subsystem).admin()) {
      refuse(file, AppendOnly.refuseCreate(rel(file)));
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw denied(file.toString(), EXISTS);
      }
      opts.remove(StandardOpenOption.CREATE);
      opts.remove(StandardOpenOption.TRUNCATE_EXISTING);
      opts.add(StandardOpenOption.CREATE_NEW);
    }
    try {
      return SftpFileSystemAccessor.super.openFile(
          subsystem, fileHandle, file, handle, opts, PRIVATE_FILE);
    } catch (FileAlreadyExistsException e) {
      throw denied(file.toString(), EXISTS);
    }
  }

  @Override
  public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
    requireNotRoot(path);
    if (!access(subsystem).admin()) {
      refuse(path, AppendOnly.refuseCreate(rel(path)));
    }
    Files.createDirectory(path, PRIVATE_DIR);
    // MINA applies the request's attributes next; they are ignored (see ignoresAttributes).
    making.set(path);
  }

  @Override
  public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink)
      throws IOException {
    throw denied(link.toString(), "the master does not make links");
  }

  /**
   * Renames. An admin's rename replaces what is there (posix-rename, as OpenSSH's). A host's key
   * renames only its own temporary files, and onto a name that does not exist: by a hard link,
   * which the kernel refuses atomically when the name exists, then removing the temporary name (as
   * OpenSSH's sftp-server does). Format 1's {@code latest} pointer is the one name it may replace.
   */
  @Override
  public void renameFile(
      SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
      throws IOException {
    requireNotRoot(oldPath);
    requireNotRoot(newPath);
    if (access(subsystem).admin()) {
      SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
      syncDirectory(onDisk(newPath).getParent());
      return;
    }
    List<String> to = rel(newPath);
    refuse(oldPath, AppendOnly.refuseRename(rel(oldPath), to));
    Path src = onDisk(oldPath);
    Path dst = onDisk(newPath);
    if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(oldPath.toString());
      }
      throw denied(oldPath.toString(), "a host's key renames only its own temporary files");
    }
    if (AppendOnly.mayReplace(to)) {
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } else {
      linkNew(src, dst, newPath);
      Files.delete(src);
    }
    syncDirectory(dst.getParent());
    if (!src.getParent().equals(dst.getParent())) {
      syncDirectory(src.getParent());
    }
  }

  /** Gives {@code src} the new name {@code dst}, refusing a name that exists. */
  private static void linkNew(Path src, Path dst, Path shown) throws IOException {
    try {
      Files.createLink(dst, src);
      return;
    } catch (FileAlreadyExistsException e) {
      throw denied(shown.toString(), EXISTS);
    } catch (IOException | UnsupportedOperationException e) {
      // A file system without hard links: a plain rename after a check (not atomic, but without
      // REPLACE_EXISTING Java checks for the target itself too).
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
        throw denied(shown.toString(), EXISTS);
      }
    }
    Files.move(src, dst);
  }

  @Override
  public void copyFile(
      SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts)
      throws IOException {
    requireNotRoot(dst);
    if (!access(subsystem).admin()) {
      throw denied(dst.toString(), "a host's key cannot copy on the master; upload the file");
    }
    SftpFileSystemAccessor.super.copyFile(subsystem, src, dst, opts);
  }

  @Override
  public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory)
      throws IOException {
    requireNotRoot(path);
    if (!access(subsystem).admin()) {
      refuse(path, AppendOnly.refuseRemove(rel(path), isDirectory));
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        throw denied(path.toString(), "a host's key removes only its own temporary files");
      }
    }
    SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
  }

  @Override
  public void setFileAttribute(
      SftpSubsystemProxy subsystem,
      Path file,
      String view,
      String attribute,
      Object value,
      LinkOption... options)
      throws IOException {
    requireNotRoot(file);
    if (ignoresAttributes(file)) {
      return;
    }
    if (Set.of("uid", "gid", "owner", "group", "acl")
        .contains(attribute.toLowerCase(Locale.ROOT))) {
      throw denied(file.toString(), "the master does not change owners");
    }
    requireAdmin(subsystem, file);
    SftpFileSystemAccessor.super.setFileAttribute(subsystem, file, view, attribute, value, options);
  }

  @Override
  public void setFileOwner(
      SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options)
      throws IOException {
    if (ignoresAttributes(path)) {
      return;
    }
    throw denied(path.toString(), "the master does not change owners");
  }

  @Override
  public void setGroupOwner(
      SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options)
      throws IOException {
    if (ignoresAttributes(path)) {
      return;
    }
    throw denied(path.toString(), "the master does not change groups");
  }

  @Override
  public void setFileAccessControl(
      SftpSubsystemProxy subsystem, Path path, List<AclEntry> acl, LinkOption... options)
      throws IOException {
    if (ignoresAttributes(path)) {
      return;
    }
    throw denied(path.toString(), "the master does not change ACLs");
  }

  @Override
  public void setFilePermissions(
      SftpSubsystemProxy subsystem,
      Path path,
      Set<PosixFilePermission> perms,
      LinkOption... options)
      throws IOException {
    requireNotRoot(path);
    if (ignoresAttributes(path)) {
      return;
    }
    requireAdmin(subsystem, path);
    SftpFileSystemAccessor.super.setFilePermissions(subsystem, path, perms, options);
  }

  /**
   * Whether a request is setting the attributes a mkdir asked for: MINA applies them through the
   * same calls as a setstat, right after {@link #createDirectory}, and they are ignored (a new
   * directory is 0700 whatever the client asks). {@link #mkdirDone()} ends that window.
   */
  private boolean ignoresAttributes(Path path) {
    return path.equals(making.get());
  }

  /** Ends a mkdir's attribute window; MINA tells it when the request is done, failed or not. */
  SftpEventListener mkdirDone() {
    return new SftpEventListener() {
      @Override
      public void created(
          ServerSession session, Path path, Map<String, ?> attrs, Throwable thrown) {
        making.remove();
      }
    };
  }

  private void requireAdmin(SftpSubsystemProxy subsystem, Path path) throws AccessDeniedException {
    if (!access(subsystem).admin()) {
      throw denied(
          path.toString(),
          "a host's key never changes modes, owners or times on the master (the store is"
              + " append-only for hosts)");
    }
  }

  private static void refuse(Path path, String why) throws AccessDeniedException {
    if (why != null) {
      throw denied(path.toString(), why);
    }
  }

  /** The names below the host's directory ({@code /bar/snapshots/x} is {@code [snapshots, x]}). */
  private static List<String> rel(Path sessionPath) {
    List<String> names = names(sessionPath.toAbsolutePath().normalize().toString());
    return names.isEmpty() ? names : names.subList(1, names.size());
  }

  /** The real file behind a session path. */
  private Path onDisk(Path sessionPath) {
    List<String> names = names(sessionPath.toAbsolutePath().normalize().toString());
    Path p = realRoot;
    for (String n : names) {
      p = p.resolve(n);
    }
    return p;
  }

  /** fsync a directory so a rename in it survives a crash. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse fsync on a directory; the rename itself has happened.
    }
  }

  /** A directory listing with some names left out. */
  private static final class Filtered implements DirectoryStream<Path> {
    private final DirectoryStream<Path> all;
    private final Predicate<Path> shown;

    Filtered(DirectoryStream<Path> all, Predicate<Path> shown) {
      this.all = all;
      this.shown = shown;
    }

    @Override
    public Iterator<Path> iterator() {
      Iterator<Path> it = all.iterator();
      return new Iterator<>() {
        private Path next = advance();

        private Path advance() {
          while (it.hasNext()) {
            Path p = it.next();
            if (shown.test(p)) {
              return p;
            }
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Path next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          Path p = next;
          next = advance();
          return p;
        }
      };
    }

    @Override
    public void close() throws IOException {
      all.close();
    }
  }
}
