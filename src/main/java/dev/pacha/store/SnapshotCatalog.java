package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A host's snapshots on the master: which one is the latest, every id, resolving an id or prefix,
 * and reading a manifest (checked; a damaged one is exit code 4).
 */
public final class SnapshotCatalog {
  private final HostStore store;

  SnapshotCatalog(HostStore store) {
    this.store = store;
  }

  /**
   * The id of the newest complete snapshot, if the host ever pushed: the newest manifest on the
   * master (ids sort by time, and a manifest goes up after everything it names). Format 1's latest
   * pointer is not read: an append-only master keeps it from moving (docs/FORMAT.md).
   */
  public Optional<String> latest() {
    List<String> ids = snapshotIds();
    return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(ids.size() - 1));
  }

  /** Snapshot ids, oldest first. */
  public List<String> snapshotIds() {
    List<String> ids = new ArrayList<>();
    for (String name :
        store.io(
            "list snapshots of " + store.host(),
            () -> store.backend().list(store.path(HostStore.SNAPSHOTS)))) {
      if (name.endsWith(".json") && !name.startsWith(".")) {
        ids.add(name.substring(0, name.length() - 5));
      }
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /**
   * Resolves a snapshot id or a unique prefix of one; without one, the latest.
   *
   * @throws PachaException when there is no such snapshot (exit 1) or none at all
   */
  public String resolve(Optional<String> wanted) {
    String host = store.host();
    if (wanted.isEmpty()) {
      return latest()
          .orElseThrow(
              () ->
                  new PachaException(
                      PachaException.Kind.FAILED,
                      "host "
                          + host
                          + " has no snapshot on "
                          + store.backend().describe()
                          + "; push from it first (pacha push) or check the host name"));
    }
    String w = wanted.get();
    List<String> matches = snapshotIds().stream().filter(id -> id.startsWith(w)).toList();
    if (matches.contains(w)) {
      return w;
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new PachaException(
          PachaException.Kind.FAILED,
          "host " + host + " has no snapshot " + w + "; list them with: pacha log " + host);
    }
    throw PachaException.usage(
        "snapshot '"
            + w
            + "' of "
            + host
            + " is ambiguous ("
            + matches.size()
            + " match); give more of the id");
  }

  /** Reads and checks a manifest; a damaged one is an integrity error (exit 4). */
  public Manifest manifest(String id) {
    return manifest(id, null);
  }

  /**
   * As {@link #manifest(String)}, keeping a byte-for-byte copy of the manifest in {@code copyTo} (a
   * new file), for a rebuild's staging dir: one read, no second serialization.
   */
  public Manifest manifest(String id, Path copyTo) {
    String host = store.host();
    Manifest m;
    try (InputStream in =
            store.backend().read(store.path(HostStore.SNAPSHOTS + "/" + id + ".json"), 0);
        OutputStream copy =
            copyTo == null
                ? OutputStream.nullOutputStream()
                : Files.newOutputStream(copyTo, StandardOpenOption.CREATE_NEW)) {
      InputStream tee = new Tee(in, copy);
      m = Json.read(new BufferedInputStream(tee, 1 << 16), Manifest.class);
      tee.transferTo(OutputStream.nullOutputStream());
    } catch (Tee.CopyException e) {
      throw PachaException.failed(
          "cannot keep a copy of snapshot " + id + " in " + copyTo + ": " + e.getCause(), e);
    } catch (NoSuchFileException e) {
      throw PachaException.integrity(
          "snapshot " + id + " of " + host + " is named but its manifest is missing on the master");
    } catch (Json.JsonException e) {
      throw PachaException.integrity(
          "the manifest of snapshot " + id + " of " + host + " is not valid: " + e.getMessage());
    } catch (IOException e) {
      throw store.unreachable("read snapshot " + id + " of " + host, e);
    }
    if (!id.equals(m.id())) {
      throw PachaException.integrity(
          "the manifest " + id + " of " + host + " says it is snapshot " + m.id());
    }
    ManifestCheck.check(m, host);
    return m;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** Copies what is read to a local file; its write failures are told apart from the master's. */
  private static final class Tee extends FilterInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Closed by the caller's try, not by the parser: the rest is drained into the copy first. */
    @Override
    public void close() {}

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        try {
          copy.write(b, off, n);
        } catch (IOException e) {
          throw new CopyException(e);
        }
      }
      return n;
    }

    /** The local copy could not be written. */
    static final class CopyException extends UncheckedIOException {
      private static final long serialVersionUID = 1L;

      CopyException(IOException cause) {
        super(cause);
      }
    }
  }
}
