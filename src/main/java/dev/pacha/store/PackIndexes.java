package dev.pacha.store;

import dev.pacha.PachaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which contents a host's packs hold, from their indexes. Indexes are immutable, so they are cached
 * locally (a push need not read them all again).
 */
public final class PackIndexes {
  private final HostStore store;
  private final Path cacheDir;

  PackIndexes(HostStore store, Path cacheDir) {
    this.store = store;
    this.cacheDir = cacheDir;
  }

  /** Every object stored for this host, from all pack indexes. */
  public Map<String, PackIndex.Slot> all() {
    List<String> packs = new ArrayList<>();
    for (String name :
        store.io(
            "list packs of " + store.host(),
            () -> store.backend().list(store.path(HostStore.PACKS)))) {
      if (name.endsWith(".idx") && !name.startsWith(".")) {
        packs.add(name.substring(0, name.length() - 4));
      }
    }
    return read(packs, false);
  }

  /**
   * Reads pack indexes. With {@code strict}, a missing or damaged index is an integrity error;
   * otherwise it is passed over (its objects are simply uploaded again).
   */
  Map<String, PackIndex.Slot> read(Collection<String> packs, boolean strict) {
    String host = store.host();
    Map<String, PackIndex.Slot> all = new HashMap<>();
    for (String pack : packs) {
      try {
        all.putAll(PackIndex.parse(pack, readIndex(pack)));
      } catch (NoSuchFileException e) {
        if (strict) {
          throw PachaException.integrity("pack " + pack + " of " + host + " is missing its index");
        }
      } catch (IllegalArgumentException e) {
        if (strict) {
          throw PachaException.integrity(e.getMessage() + " (host " + host + ")");
        }
      } catch (IOException e) {
        throw store.unreachable("read the index of pack " + pack, e);
      }
    }
    return all;
  }

  private byte[] readIndex(String pack) throws IOException {
    Path cached = cacheDir == null ? null : cacheDir.resolve(store.host()).resolve(pack + ".idx");
    if (cached != null && Files.isRegularFile(cached)) {
      return Files.readAllBytes(cached);
    }
    byte[] raw = store.backend().readAll(store.path(HostStore.PACKS + "/" + pack + ".idx"));
    if (cached != null) {
      PackIndex.parse(pack, raw); // only a valid index is cached
      try {
        Files.createDirectories(cached.getParent());
        Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp");
        Files.write(tmp, raw);
        Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // The cache only saves time.
      }
    }
    return raw;
  }
}
