package dev.pacha.trust;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed list of a host's hooks, {@code hooks.json} (docs/FORMAT.md): the host, when it was
 * made, and the phase, name and sha256 of every hook script. An operator signs it ({@code
 * hooks.json.sig}, namespace {@code pacha-hooks}); a rebuilding host runs only hooks it lists, with
 * the content it lists, and refuses when one is unlisted, changed or missing.
 *
 * @param host the host the hooks are for
 * @param created when the list was made (a host can refuse one older than it has seen)
 * @param hooks every hook, sorted by phase (pre first) and name (as bytes)
 */
public record HookList(String host, Instant created, List<Hook> hooks) {
  public static final String NAMESPACE = "pacha-hooks";
  public static final String FILE = "hooks.json";
  public static final String SIGNATURE_FILE = "hooks.json.sig";
  public static final String PRE = "pre";
  public static final String POST = "post";

  private static final Comparator<Hook> ORDER =
      Comparator.comparing((Hook h) -> h.phase().equals(PRE) ? 0 : 1)
          .thenComparing(Hook::name, HookList::compareBytes);

  public HookList {
    List<Hook> sorted = new ArrayList<>(hooks);
    sorted.sort(ORDER);
    for (int i = 1; i < sorted.size(); i++) {
      if (ORDER.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
        throw new IllegalArgumentException("hook " + sorted.get(i).label() + " is listed twice");
      }
    }
    hooks = List.copyOf(sorted);
  }

  /**
   * One hook script.
   *
   * @param phase "pre" or "post"
   * @param name its file name
   * @param sha256 the hex sha256 of its content
   */
  public record Hook(String phase, String name, String sha256) {
    public Hook {
      if (!phase.equals(PRE) && !phase.equals(POST)) {
        throw new IllegalArgumentException("hook phase must be pre or post, not " + phase);
      }
      if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
        throw new IllegalArgumentException("not a hook name: '" + name + "'");
      }
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("hook " + name + ": sha256 must be 64 hex digits");
      }
    }

    public static Hook of(String phase, String name, byte[] content) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
        return new Hook(phase, name, HexFormat.of().formatHex(d));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /** "pre/10-users", as messages name a hook. */
    public String label() {
      return phase + "/" + Printable.of(name);
    }
  }

  /** How the hooks found differ from the list. */
  public enum Difference {
    /** A hook that the list does not name: planted, or added without signing. */
    UNLISTED,
    /** A listed hook whose content differs from the signed sha256. */
    CHANGED,
    /** A listed hook that is not there. */
    MISSING
  }

  /** One hook that does not match the list. */
  public record Mismatch(Difference difference, Hook listed, Hook found) {
    public String describe() {
      return switch (difference) {
        case UNLISTED -> found.label() + " is not listed (planted?)";
        case CHANGED ->
            listed.label()
                + " was changed (sha256 "
                + found.sha256().substring(0, 12)
                + "..., signed "
                + listed.sha256().substring(0, 12)
                + "...)";
        case MISSING -> listed.label() + " is missing";
      };
    }
  }

  /**
   * The hooks in {@code pre} and {@code post} (either may be null): regular files whose names do
   * not start with '.', as the hook runner picks them.
   */
  public static List<Hook> scan(Path pre, Path post) throws IOException {
    List<Hook> found = new ArrayList<>();
    scan(PRE, pre, found);
    scan(POST, post, found);
    return found;
  }

  private static void scan(String phase, Path dir, List<Hook> into) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          into.add(Hook.of(phase, name, Files.readAllBytes(p)));
        }
      }
    }
  }

  /** How the hooks found differ from this list, in list order; empty when they match. */
  public List<Mismatch> compare(List<Hook> found) {
    Map<String, Hook> listed = new LinkedHashMap<>();
    hooks.forEach(h -> listed.put(h.label(), h));
    List<Hook> sortedFound = new ArrayList<>(found);
    sortedFound.sort(ORDER);
    List<Mismatch> out = new ArrayList<>();
    for (Hook f : sortedFound) {
      Hook l = listed.remove(f.label());
      if (l == null) {
        out.add(new Mismatch(Difference.UNLISTED, null, f));
      } else if (!l.sha256().equals(f.sha256())) {
        out.add(new Mismatch(Difference.CHANGED, l, f));
      }
    }
    listed.values().forEach(l -> out.add(new Mismatch(Difference.MISSING, l, null)));
    out.sort(
        Comparator.comparing((Mismatch m) -> m.listed() != null ? m.listed() : m.found(), ORDER));
    return out;
  }

  /**
   * Fails unless the hooks found are exactly those listed.
   *
   * @throws PachaException an integrity failure (exit 4) naming every hook that differs
   */
  public void requireMatches(List<Hook> found) {
    List<Mismatch> m = compare(found);
    if (!m.isEmpty()) {
      throw PachaException.integrity(
          "the hooks of "
              + host
              + " do not match the signed "
              + FILE
              + " of "
              + created
              + ": "
              + String.join(", ", m.stream().map(Mismatch::describe).toList())
              + "; no hook is run (an operator signs the hooks with pacha hooks push)");
    }
  }

  /** The file's bytes, as signed: JSON, one hook per entry. */
  public byte[] toJson() {
    List<HookJson> list = hooks.stream().map(h -> new HookJson(h.phase, h.name, h.sha256)).toList();
    return (Json.write(new HookListJson(1, host, created.toString(), list)) + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Signs {@link #toJson()}: the content of {@link #SIGNATURE_FILE}. */
  public String sign(SshSigner signer) {
    return signer.sign(toJson(), NAMESPACE);
  }

  /**
   * Verifies a hooks.json against its signature and the operator keys a host trusts, and that it is
   * for {@code host}.
   *
   * @param operators the operator keys the host trusts to sign hooks
   * @param principal the operator principal to verify as, or null for any the file trusts
   * @throws SignatureException when the signature does not verify
   * @throws PachaException an integrity failure when the file is damaged or for another host
   */
  public static HookList verify(
      AllowedSigners.SignedFile file, AllowedSigners operators, String principal, String host) {
    operators.verify(file, NAMESPACE, principal);
    HookList list = parse(file.content(), file.name());
    if (!list.host().equals(host)) {
      throw PachaException.integrity(
          file.name()
              + " is signed, but for host "
              + Printable.of(list.host())
              + ", not "
              + host
              + "; sign a list for "
              + host
              + " (pacha hooks push "
              + host
              + ")");
    }
    return list;
  }

  /** Parses hooks.json; a damaged one is an integrity failure naming {@code name}. */
  public static HookList parse(byte[] json, String name) {
    try {
      HookListJson j = Json.read(json, HookListJson.class);
      if (j.format() != 1) {
        throw new IllegalArgumentException("format " + j.format() + " is not 1");
      }
      if (j.host() == null || j.created() == null || j.hooks() == null) {
        throw new IllegalArgumentException("host, created and hooks are required");
      }
      List<Hook> hooks = new ArrayList<>();
      for (HookJson h : j.hooks()) {
        hooks.add(new Hook(h.phase(), h.name(), h.sha256()));
      }
      return new HookList(j.host(), Instant.parse(j.created()), hooks);
    } catch (Json.JsonException | IllegalArgumentException | NullPointerException e) {
      throw PachaException.integrity(Printable.of(name + " is damaged: " + e.getMessage()));
    } catch (DateTimeParseException e) {
      throw PachaException.integrity(name + " is damaged: created is not an ISO-8601 time");
    }
  }

  /** Byte order of UTF-8 names, as the hook runner orders them. */
  static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private record HookListJson(int format, String host, String created, List<HookJson> hooks) {}

  private record HookJson(String phase, String name, String sha256) {}
}
