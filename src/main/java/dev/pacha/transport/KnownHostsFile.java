package dev.pacha.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A known_hosts file as OpenSSH reads it (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT), with line numbers
 * so a message can say which line to remove: host pattern-lists ({@code *}, {@code ?}, {@code
 * !negation}), hashed names ({@code |1|salt|hash}), and the markers {@code @revoked} and {@code
 * @cert-authority}. Lines it cannot read are skipped, as ssh skips them.
 */
final class KnownHostsFile {
  private final Path file;
  private final List<Line> lines;

  /**
   * One key line.
   *
   * @param number 1-based line number
   * @param marker "@revoked", "@cert-authority" or "" for a pinned key
   * @param hosts the host pattern-list or hashed name
   * @param type the key type
   * @param key the key blob
   */
  record Line(int number, String marker, String hosts, String type, byte[] key) {
    boolean revoked() {
      return marker.equals("@revoked");
    }

    boolean pinned() {
      return marker.isEmpty();
    }

    String fingerprint() {
      return SftpBackend.fingerprint(key);
    }
  }

  private KnownHostsFile(Path file, List<Line> lines) {
    this.file = file;
    this.lines = lines;
  }

  /** Reads {@code file}; a missing file has no lines. */
  static KnownHostsFile read(Path file) throws IOException {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      text = List.of();
    }
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      Line l = parse(i + 1, text.get(i));
      if (l != null) {
        lines.add(l);
      }
    }
    return new KnownHostsFile(file, lines);
  }

  Path file() {
    return file;
  }

  List<Line> lines() {
    return lines;
  }

  private static Line parse(int number, String text) {
    String[] f = text.strip().split("[ \t]+");
    if (f.length == 0 || f[0].isEmpty() || f[0].startsWith("#")) {
      return null;
    }
    int i = 0;
    String marker = "";
    if (f[0].startsWith("@")) {
      marker = f[0].toLowerCase(Locale.ROOT);
      if (!marker.equals("@revoked") && !marker.equals("@cert-authority")) {
        return null;
      }
      i = 1;
    }
    if (f.length < i + 3) {
      return null;
    }
    try {
      byte[] key = Base64.getDecoder().decode(f[i + 2]);
      return new Line(number, marker, f[i], f[i + 1], key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The lines whose host field names {@code host} (lowercased, "[host]:port" off port 22). */
  List<Line> matching(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    List<Line> out = new ArrayList<>();
    for (Line l : lines) {
      if (hostMatches(h, l.hosts())) {
        out.add(l);
      }
    }
    return out;
  }

  static boolean hostMatches(String host, String field) {
    if (field.startsWith("|1|")) {
      return hashedMatches(host, field);
    }
    return SshPatterns.matchesList(host, field, true);
  }

  /** A hashed name: {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))}. */
  private static boolean hashedMatches(String host, String field) {
    String[] parts = field.substring(3).split("\\|");
    if (parts.length != 2) {
      return false;
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[0]);
      byte[] hash = Base64.getDecoder().decode(parts[1]);
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(salt, "HmacSHA1"));
      return MessageDigest.isEqual(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)), hash);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  /** The line that revokes {@code key} for {@code host}, or null. */
  Line revoking(String host, byte[] key) {
    for (Line l : matching(host)) {
      if (l.revoked() && Arrays.equals(l.key(), key)) {
        return l;
      }
    }
    return null;
  }

  /** The lines that pin a key for {@code host} (no marker). */
  List<Line> pinned(String host) {
    return matching(host).stream().filter(Line::pinned).toList();
  }

  /** Appends a pinned key for {@code host} (accept-new), as ssh does: one line at the end. */
  void append(String host, String type, byte[] key) throws IOException {
    String line = host + " " + type + " " + Base64.getEncoder().encodeToString(key) + "\n";
    byte[] existing = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    if (existing.length > 0 && existing[existing.length - 1] != '\n') {
      line = "\n" + line;
    }
    Files.writeString(
        file,
        line,
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
