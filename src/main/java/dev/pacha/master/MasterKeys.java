package dev.pacha.master;

import dev.pacha.PachaException;
import dev.pacha.store.HostNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The keys the embedded master accepts. Each host's keys live in {@code
 * <hosts-path>/.pacha-master/keys/<host>.pub} (authorized_keys format, one key a line) and let that
 * host into its own directory only. Key options ({@code from=}, {@code command=}, ...) are not
 * honoured: the master serves nothing but SFTP, and {@link #add} warns about them.
 */
public final class MasterKeys {
  /** The master's own directory under the hosts path; never shown to anyone over SFTP. */
  public static final String STATE_DIR = ".pacha-master";

  private MasterKeys() {}

  public static Path stateDir(Path hostsPath) {
    return hostsPath.resolve(STATE_DIR);
  }

  /** Where the keys of {@code host} are kept. */
  public static Path keyFile(Path hostsPath, String host) {
    return stateDir(hostsPath).resolve("keys").resolve(HostNames.check(host) + ".pub");
  }

  /**
   * What {@link #add} did.
   *
   * @param file the host's key file
   * @param added keys newly written
   * @param present keys that were there already
   * @param warnings things the operator should know (ignored key options)
   */
  public record Added(Path file, int added, int present, List<String> warnings) {}

  /**
   * Lets the keys in {@code publicKeyFile} (one or more authorized_keys lines) log in as {@code
   * host}. Keys already there are kept once; the file is replaced atomically, mode 0600.
   */
  public static Added add(Path hostsPath, String host, Path publicKeyFile) {
    Path file = keyFile(hostsPath, host);
    List<String> warnings = new ArrayList<>();
    List<Line> wanted = parse(publicKeyFile, true, warnings);
    if (wanted.isEmpty()) {
      throw PachaException.usage(
          publicKeyFile + " holds no public key; give the host's KEY.pub (ssh-keygen -y -f KEY)");
    }
    List<Line> kept = Files.exists(file) ? parse(file, false, new ArrayList<>()) : List.of();
    // The old file is kept as it is (comments, keys this build cannot read); new keys go last.
    List<String> out = new ArrayList<>();
    try {
      if (Files.exists(file)) {
        Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(line -> !line.isBlank())
            .forEach(out::add);
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot read " + file + ": " + e.getMessage(), e);
    }
    int added = 0;
    int present = 0;
    List<Line> all = new ArrayList<>(kept);
    for (Line l : wanted) {
      if (all.stream().anyMatch(k -> KeyUtils.compareKeys(k.key(), l.key()))) {
        present++;
        continue;
      }
      all.add(l);
      out.add(l.text());
      added++;
    }
    if (added > 0) {
      try {
        createPrivateDirs(hostsPath);
        writePrivate(file, String.join("\n", out) + "\n");
      } catch (IOException e) {
        throw PachaException.failed(
            "cannot write " + file + ": " + e.getMessage() + " (run it as the master's user)", e);
      }
    }
    return new Added(file, added, present, warnings);
  }

  /**
   * Reads the keys of an authorized_keys file for a login check: lines that do not parse are passed
   * over, and a missing file holds no key.
   */
  static List<PublicKey> readForLogin(Path file) {
    try {
      return parse(file, false, new ArrayList<>()).stream().map(Line::key).toList();
    } catch (PachaException e) {
      return List.of();
    }
  }

  /** Reads an admin keys file at start: every line must be a key (exit 2 otherwise). */
  static List<PublicKey> readStrict(Path file) {
    return parse(file, true, new ArrayList<>()).stream().map(Line::key).toList();
  }

  /**
   * Makes a new key pair for a host: KEY (OpenSSH format, 0600) and KEY.pub.
   *
   * @return the public line
   */
  public static String generate(Path privateKey, String comment) {
    return HostKeys.generateClientKey(privateKey, comment);
  }

  static boolean contains(List<PublicKey> keys, PublicKey key) {
    return keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
  }

  private record Line(String text, PublicKey key, String comment) {
    KeyInfo info() {
      return new KeyInfo(KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key), comment);
    }
  }

  /**
   * One key a host may log in with, as {@code pacha host keys} shows it.
   *
   * @param type "ssh-ed25519"
   * @param fingerprint "SHA256:...", as ssh-keygen -l shows it
   * @param comment the key line's comment, possibly empty
   */
  public record KeyInfo(String type, String fingerprint, String comment) {}

  /** The keys that may log in as {@code host}; none when it has no key file. */
  public static List<KeyInfo> list(Path hostsPath, String host) {
    Path file = keyFile(hostsPath, host);
    if (!Files.exists(file)) {
      return List.of();
    }
    return parse(file, false, new ArrayList<>()).stream().map(Line::info).toList();
  }

  /**
   * What {@link #revoke} did.
   *
   * @param file the host's key file
   * @param revoked the keys taken out
   * @param left how many keys it still has
   */
  public record Revoked(Path file, List<KeyInfo> revoked, int left) {}

  /**
   * Takes keys away from {@code host}: {@code which} is a fingerprint ({@code SHA256:...}, as
   * {@code pacha host keys} shows) or a public key file whose keys are taken out. The rest of the
   * file (other keys, comments) is kept; it is replaced atomically.
   */
  public static Revoked revoke(Path hostsPath, String host, String which) {
    Path file = keyFile(hostsPath, host);
    List<PublicKey> gone;
    Path given = Path.of(which);
    if (!which.startsWith("SHA256:") && Files.isRegularFile(given)) {
      gone = parse(given, true, new ArrayList<>()).stream().map(Line::key).toList();
    } else if (which.startsWith("SHA256:")) {
      gone = null;
    } else {
      throw PachaException.usage(
          "'"
              + which
              + "' is neither a key's fingerprint (SHA256:..., as pacha host keys "
              + host
              + " shows) nor a public key file");
    }
    List<Line> keys = Files.exists(file) ? parse(file, false, new ArrayList<>()) : List.of();
    List<Line> out =
        keys.stream()
            .filter(
                l ->
                    gone == null
                        ? KeyUtils.getFingerPrint(l.key()).equals(which)
                        : contains(gone, l.key()))
            .toList();
    if (out.isEmpty()) {
      throw new PachaException(
          PachaException.Kind.FAILED,
          "host "
              + host
              + " has no key "
              + which
              + " in "
              + file
              + "; its keys: pacha host keys "
              + host);
    }
    List<String> kept = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String text = line.trim();
        if (out.stream().noneMatch(l -> l.text().equals(text))) {
          kept.add(line);
        }
      }
      writePrivate(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
    } catch (IOException e) {
      throw PachaException.failed(
          "cannot write " + file + ": " + e.getMessage() + " (run it as the master's user or root)",
          e);
    }
    return new Revoked(file, out.stream().map(Line::info).toList(), keys.size() - out.size());
  }

  /**
   * Removes every key of {@code host}, so it can no longer log in.
   *
   * @return how many keys it had
   */
  public static int removeAll(Path hostsPath, String host) {
    Path file = keyFile(hostsPath, host);
    int had = list(hostsPath, host).size();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw PachaException.failed(
          "cannot remove "
              + file
              + ": "
              + e.getMessage()
              + " (run it as the master's user or root)",
          e);
    }
    return had;
  }

  /** The hosts that have a key file. */
  static List<String> hostsWithKeys(Path hostsPath) {
    Path dir = stateDir(hostsPath).resolve("keys");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".pub"))
          .map(n -> n.substring(0, n.length() - 4))
          .filter(HostNames::isValid)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw PachaException.failed("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses authorized_keys lines. With {@code strict}, a line that is not a usable public key is a
   * usage error naming the file and line; without, it is skipped.
   */
  private static List<Line> parse(Path file, boolean strict, List<String> warnings) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw PachaException.usage("key file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw PachaException.usage("cannot read key file " + file + ": permission denied");
    } catch (IOException e) {
      throw PachaException.usage("cannot read key file " + file + ": " + e.getMessage());
    }
    List<Line> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).trim();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      if (text.startsWith("-----BEGIN")) {
        if (strict) {
          throw PachaException.usage(
              file + " is a private key; give the public one (" + file.getFileName() + ".pub)");
        }
        continue;
      }
      try {
        AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(text);
        PublicKey key =
            entry == null ? null : entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        if (key == null) {
          throw new IllegalArgumentException("not a public key");
        }
        if (!entry.getLoginOptions().isEmpty()) {
          warnings.add(
              where
                  + ": key options "
                  + entry.getLoginOptions().keySet()
                  + " are not honoured by the embedded master (it serves SFTP only)");
        }
        keys.add(new Line(text, key, entry.getComment() == null ? "" : entry.getComment()));
      } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
        if (strict) {
          throw PachaException.usage(
              where
                  + " is not an OpenSSH public key ("
                  + e.getMessage()
                  + "); give lines like 'ssh-ed25519 AAAA... comment'");
        }
      }
    }
    return keys;
  }

  /** Writes a file only its owner may read, replacing any old one atomically. */
  static void writePrivate(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    createPrivateDirs(dir);
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Owners.likeParent(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates missing directories; the ones made here are 0700 (they hold keys). */
  static void createPrivateDirs(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    createPrivateDirs(dir.getParent());
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Owners.likeParent(dir);
    } catch (FileAlreadyExistsException e) {
      // Made by someone else meanwhile: fine if it is a directory.
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }
}
