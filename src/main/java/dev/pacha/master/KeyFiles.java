package dev.pacha.master;

import dev.pacha.store.HostNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key files as they are now: a host's {@code .pacha-master/keys/HOST.pub} and the admin keys
 * file. They are looked at for every login and every SFTP request, and read again only when one
 * changed (its inode, size or mtime), so {@code pacha host revoke} and {@code host remove} take
 * effect at once, on connections already logged in too, without a restart.
 */
final class KeyFiles {
  private final Path hostsPath;
  private final Optional<Path> adminKeys;
  private final Map<Path, Read> cache = new ConcurrentHashMap<>();

  private record Read(Object inode, long size, long mtime, List<PublicKey> keys) {}

  KeyFiles(Path hostsPath, Optional<Path> adminKeys) {
    this.hostsPath = hostsPath;
    this.adminKeys = adminKeys;
  }

  Optional<Path> adminKeys() {
    return adminKeys;
  }

  /** What a login as {@code username} with {@code key} may see, or null when it is refused. */
  Access decide(String username, PublicKey key) {
    if (HostNames.isValid(username)
        && MasterKeys.contains(keys(MasterKeys.keyFile(hostsPath, username)), key)) {
      return new Access(username, key);
    }
    if (adminKeys.isPresent() && MasterKeys.contains(keys(adminKeys.get()), key)) {
      return Access.admin(key);
    }
    return null;
  }

  /** Whether the key a session logged in with is still in its file. */
  boolean stillAllows(Access access) {
    Path file =
        access.admin() ? adminKeys.orElse(null) : MasterKeys.keyFile(hostsPath, access.host());
    return file != null && MasterKeys.contains(keys(file), access.key());
  }

  private List<PublicKey> keys(Path file) {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      cache.remove(file);
      return List.of();
    } catch (IOException e) {
      return List.of();
    }
    Read seen = cache.get(file);
    long mtime = now.lastModifiedTime().toMillis();
    if (seen != null
        && Objects.equals(seen.inode(), now.fileKey())
        && seen.size() == now.size()
        && seen.mtime() == mtime) {
      return seen.keys();
    }
    List<PublicKey> keys = MasterKeys.readForLogin(file);
    cache.put(file, new Read(now.fileKey(), now.size(), mtime, keys));
    return keys;
  }
}
