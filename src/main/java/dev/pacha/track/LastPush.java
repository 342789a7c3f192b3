package dev.pacha.track;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What this host pushed last, as far as telling "nothing changed" goes: the snapshot id and a
 * fingerprint of what it holds. A push compares the tree it has just scanned with this instead of
 * reading the last manifest back: with 100,000 entries that manifest is 31 MB of JSON and, as
 * records, more than the launcher's heap can hold beside the scan.
 *
 * @param id the snapshot id the push made (or the rebuild or --restore-db brought back)
 * @param fingerprint {@link #fingerprint} of that snapshot's host, roots and entries
 */
public record LastPush(String id, String fingerprint) {

  /** The state file's one line: {@code ID FINGERPRINT}. */
  public String line() {
    return id + " " + fingerprint + "\n";
  }

  /** Reads the state file's line; empty when it is not one. */
  public static Optional<LastPush> parse(String text) {
    String[] f = text.strip().split(" ");
    if (f.length != 2 || f[0].isEmpty() || !f[1].matches("[0-9a-f]{64}")) {
      return Optional.empty();
    }
    return Optional.of(new LastPush(f[0], f[1]));
  }

  /**
   * The sha256 of host, roots and every field of every entry, in order: two trees have the same
   * fingerprint exactly when their manifests would have equal host, roots and entries.
   */
  public static String fingerprint(String host, List<String> roots, List<Entry> entries) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    // Fields end with NUL (never in a path, a name or a mode), entries with a newline; a missing
    // value (no sha256 for a directory, no target for a file) is one SOH byte, so it differs from
    // an empty one.
    try (OutputStream out =
        new java.io.BufferedOutputStream(
            new DigestOutputStream(OutputStream.nullOutputStream(), sha), 1 << 16)) {
      field(out, "pacha-tree 1");
      field(out, host);
      field(out, String.valueOf(roots.size()));
      for (String r : roots) {
        field(out, r);
      }
      out.write('\n');
      for (Entry e : entries) {
        field(out, e.path());
        field(out, e.type());
        field(out, e.mode());
        field(out, Integer.toString(e.uid()));
        field(out, Integer.toString(e.gid()));
        field(out, e.owner());
        field(out, e.group());
        field(out, Long.toString(e.size()));
        field(out, e.mtime());
        field(out, e.sha256());
        field(out, e.target());
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a null stream does not fail
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void field(OutputStream out, String value) throws IOException {
    if (value == null) {
      out.write(1);
    } else {
      out.write(value.getBytes(StandardCharsets.UTF_8));
    }
    out.write(0);
  }
}
