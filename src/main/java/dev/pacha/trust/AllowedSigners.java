package dev.pacha.trust;

import dev.pacha.PachaException;
import dev.pacha.transport.SshPatterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which keys a host trusts, and for whom: the ALLOWED SIGNERS format of ssh-keygen(1), so the same
 * file serves {@code ssh-keygen -Y verify}. A line is {@code PRINCIPALS [OPTIONS] KEY [COMMENT]}:
 * principals a pattern-list ({@code *@example.com,!eve@example.com}), options {@code
 * cert-authority}, {@code namespaces="..."}, {@code valid-after="..."}, {@code valid-before="..."}.
 * A line that is only a public key ({@code ssh-ed25519 AAAA... comment}, as in a .pub file) trusts
 * that key for every principal and namespace.
 */
public final class AllowedSigners {
  private final String source;
  private final List<Entry> entries;

  private AllowedSigners(String source, List<Entry> entries) {
    this.source = source;
    this.entries = List.copyOf(entries);
  }

  /**
   * One trusted key.
   *
   * @param line the line number in the source (1-based)
   * @param principals the pattern-list of principals, "*" for a bare key line
   * @param certificateAuthority the key is a CA: certificates it signed are trusted
   * @param namespaces the namespaces pattern-list, or null for any
   * @param validAfter trusted from then on, or null
   * @param validBefore trusted until then, or null
   * @param key the key
   */
  public record Entry(
      int line,
      String principals,
      boolean certificateAuthority,
      String namespaces,
      Instant validAfter,
      Instant validBefore,
      SshPublicKey key) {}

  /** Who signed a file that verified. */
  public record Verified(SshPublicKey key, String principal, Entry entry) {}

  /** A file and its detached signature; {@code signature} is null when the signature is missing. */
  public record SignedFile(String name, byte[] content, String signatureName, byte[] signature) {}

  /**
   * Reads an allowed_signers file (or a .pub file).
   *
   * @throws PachaException a usage error naming the file and line of a mistake
   */
  public static AllowedSigners read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw PachaException.usage("cannot read allowed signers " + file + ": " + SshSigners.why(e));
    }
    return parse(text, file.toString());
  }

  /** Parses allowed_signers text; {@code source} names it in messages. */
  public static AllowedSigners parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        entries.add(parseLine(i + 1, line));
      } catch (IllegalArgumentException e) {
        throw PachaException.usage(source + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new AllowedSigners(source, entries);
  }

  /** Trusts one key for every principal and namespace (a host's key from its user-data). */
  public static AllowedSigners of(SshPublicKey key, String source) {
    return new AllowedSigners(source, List.of(new Entry(1, "*", false, null, null, null, key)));
  }

  public List<Entry> entries() {
    return entries;
  }

  public String source() {
    return source;
  }

  private static Entry parseLine(int number, String line) {
    // A bare public key line: the key is trusted for everyone.
    String[] head = line.split("[ \t]+", 3);
    if (head.length >= 2 && SshPublicKey.isKeyType(head[0]) && looksLikeKey(head[0], head[1])) {
      return new Entry(number, "*", false, null, null, null, SshPublicKey.parse(line));
    }
    Cursor c = new Cursor(line);
    String principals = c.token();
    if (principals.isEmpty() || c.atEnd()) {
      throw new IllegalArgumentException("expected PRINCIPALS [OPTIONS] KEY");
    }
    String options = null;
    if (!SshPublicKey.isKeyType(c.peekWord())) {
      options = c.options();
      if (c.atEnd()) {
        throw new IllegalArgumentException("no key after the options");
      }
    }
    SshPublicKey key;
    try {
      key = SshPublicKey.parse(c.rest());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad key: " + e.getMessage());
    }
    Entry e = withOptions(number, principals, options, key);
    if (e.certificateAuthority() && key.isCertificate()) {
      throw new IllegalArgumentException("a cert-authority key cannot itself be a certificate");
    }
    return e;
  }

  private static boolean looksLikeKey(String type, String base64) {
    try {
      SshPublicKey.parse(type + " " + base64);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Entry withOptions(
      int number, String principals, String options, SshPublicKey key) {
    boolean ca = false;
    String namespaces = null;
    Instant after = null;
    Instant before = null;
    if (options != null) {
      Cursor o = new Cursor(options);
      while (true) {
        if (o.takeKeyword("cert-authority", false)) {
          ca = true;
        } else if (o.takeKeyword("namespaces", true)) {
          if (namespaces != null) {
            throw new IllegalArgumentException("namespaces is given twice");
          }
          namespaces = o.quoted("namespaces");
        } else if (o.takeKeyword("valid-after", true)) {
          if (after != null) {
            throw new IllegalArgumentException("valid-after is given twice");
          }
          after = time(o.quoted("valid-after"), "valid-after");
        } else if (o.takeKeyword("valid-before", true)) {
          if (before != null) {
            throw new IllegalArgumentException("valid-before is given twice");
          }
          before = time(o.quoted("valid-before"), "valid-before");
        } else {
          throw new IllegalArgumentException(
              "unknown option at '"
                  + o.rest()
                  + "' (known: cert-authority, namespaces=\"...\", valid-after=\"...\","
                  + " valid-before=\"...\")");
        }
        if (o.atEnd()) {
          break;
        }
        if (!o.take(',') || o.atEnd()) {
          throw new IllegalArgumentException("options must be separated by single commas");
        }
      }
    }
    if (after != null && before != null && before.isBefore(after)) {
      throw new IllegalArgumentException("valid-before is earlier than valid-after");
    }
    return new Entry(number, principals, ca, namespaces, after, before, key);
  }

  /** ssh-keygen's times: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, local time unless ending Z. */
  static Instant time(String s, String option) {
    boolean utc = s.endsWith("Z") || s.endsWith("z");
    String digits = utc ? s.substring(0, s.length() - 1) : s;
    String pattern =
        switch (digits.length()) {
          case 8 -> "yyyyMMdd";
          case 12 -> "yyyyMMddHHmm";
          case 14 -> "yyyyMMddHHmmss";
          default -> null;
        };
    if (pattern == null || !digits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          option + "=\"" + s + "\" is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]");
    }
    try {
      LocalDateTime t =
          digits.length() == 8
              ? java.time.LocalDate.parse(digits, DateTimeFormatter.ofPattern(pattern))
                  .atStartOfDay()
              : LocalDateTime.parse(digits, DateTimeFormatter.ofPattern(pattern));
      return t.atZone(utc ? ZoneOffset.UTC : ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + "=\"" + s + "\" is not a valid date");
    }
  }

  /**
   * Verifies {@code file}'s signature as made by {@code principal} in {@code namespace}, now;
   * {@code principal} null accepts any principal the file trusts (operators signing hooks).
   */
  public Verified verify(SignedFile file, String namespace, String principal) {
    return verify(file, namespace, principal, Instant.now());
  }

  /**
   * Verifies {@code file}'s signature as made by {@code principal} in {@code namespace} at {@code
   * now}, as {@code ssh-keygen -Y verify -I principal -n namespace} does ({@code principal} null:
   * any principal, as find-principals then verify would).
   *
   * @throws SignatureException with one line: which file, which key was expected, what was wrong
   */
  public Verified verify(SignedFile file, String namespace, String principal, Instant now) {
    if (file.signature() == null) {
      throw new SignatureException(
          SignatureException.Reason.UNSIGNED,
          file.name()
              + " is not signed ("
              + file.signatureName()
              + " is missing); expected a signature by "
              + expected(principal));
    }
    SshSig.Parsed sig;
    SshPublicKey signer;
    try {
      sig = SshSig.parse(file.signature());
      signer = SshPublicKey.fromBlob(sig.publicKey(), "");
      SshSig.hash(sig.hashAlgorithm(), new byte[0]);
    } catch (IllegalArgumentException e) {
      throw new SignatureException(
          SignatureException.Reason.MALFORMED,
          file.signatureName()
              + " is not a valid SSH signature: "
              + e.getMessage()
              + "; expected a signature by "
              + expected(principal));
    }
    if (!sig.namespace().equals(namespace)) {
      throw new SignatureException(
          SignatureException.Reason.WRONG_NAMESPACE,
          file.signatureName()
              + " is a signature for namespace \""
              + sig.namespace()
              + "\", not \""
              + namespace
              + "\" (made for another purpose); expected a \""
              + namespace
              + "\" signature by "
              + expected(principal));
    }
    Verified trusted = trustedEntry(file, signer, namespace, principal, now);
    KeyAlgorithms.SigInfo info;
    try {
      info =
          KeyAlgorithms.verify(
              signer.signingKey(),
              sig.signature(),
              SshSig.toBeSigned(sig.namespace(), sig.hashAlgorithm(), file.content()));
    } catch (KeyAlgorithms.SignatureMismatch | IllegalArgumentException e) {
      throw new SignatureException(
          SignatureException.Reason.BAD_SIGNATURE,
          file.signatureName()
              + " does not match "
              + file.name()
              + ": the signature by "
              + signer.describe()
              + " is bad"
              + (e instanceof IllegalArgumentException ? " (" + e.getMessage() + ")" : "")
              + "; the file or its signature was changed after signing");
    }
    if (info.skFlags() >= 0 && (info.skFlags() & KeyAlgorithms.SK_USER_PRESENT) == 0) {
      throw new SignatureException(
          SignatureException.Reason.BAD_SIGNATURE,
          file.signatureName()
              + " was made by the security key "
              + signer.describe()
              + " without a touch (user presence); pacha requires one");
    }
    return trusted;
  }

  /** The entry that trusts {@code signer} for this principal and namespace now, or why none. */
  private Verified trustedEntry(
      SignedFile file, SshPublicKey signer, String namespace, String principal, Instant now) {
    SshCertificate cert = signer.isCertificate() ? signer.certificate() : null;
    String refusal = null;
    SignatureException.Reason reason = SignatureException.Reason.WRONG_KEY;
    for (Entry e : entries) {
      if (principal != null && !SshPatterns.matchesList(principal, e.principals(), false)) {
        continue;
      }
      String where = source + " line " + e.line();
      String signedBy;
      String as = principal != null ? principal : e.principals();
      if (!e.certificateAuthority() && e.key().equals(signer)) {
        signedBy = signer.describe();
      } else if (e.certificateAuthority()
          && cert != null
          && java.util.Arrays.equals(cert.signatureKey(), e.key().rawBlob())) {
        signedBy = "certificate \"" + cert.keyId() + "\" (" + signer.describe() + ")";
        if (principal == null) {
          // Any principal: one the certificate names that this line trusts.
          as =
              cert.principals().stream()
                  .filter(p -> SshPatterns.matchesList(p, e.principals(), false))
                  .findFirst()
                  .orElse(null);
        }
        String problem =
            as == null
                ? "it names none of the principals that line trusts (" + e.principals() + ")"
                : cert.problemFor(as, now);
        if (problem != null) {
          refusal =
              file.signatureName()
                  + " is signed by "
                  + signedBy
                  + " from the CA in "
                  + where
                  + ", but "
                  + problem;
          reason = SignatureException.Reason.NOT_VALID_NOW;
          continue;
        }
      } else {
        continue;
      }
      if (e.namespaces() != null && !SshPatterns.matchesList(namespace, e.namespaces(), false)) {
        refusal =
            file.signatureName()
                + " is signed by "
                + signedBy
                + ", which "
                + where
                + " trusts only in namespaces \""
                + e.namespaces()
                + "\", not \""
                + namespace
                + "\"";
        reason = SignatureException.Reason.WRONG_KEY;
        continue;
      }
      if (e.validAfter() != null && now.isBefore(e.validAfter())) {
        refusal =
            file.signatureName()
                + " is signed by "
                + signedBy
                + ", which "
                + where
                + " trusts only from "
                + e.validAfter();
        reason = SignatureException.Reason.NOT_VALID_NOW;
        continue;
      }
      if (e.validBefore() != null && now.isAfter(e.validBefore())) {
        refusal =
            file.signatureName()
                + " is signed by "
                + signedBy
                + ", which "
                + where
                + " trusted only until "
                + e.validBefore();
        reason = SignatureException.Reason.NOT_VALID_NOW;
        continue;
      }
      return new Verified(signer, as, e);
    }
    if (refusal != null) {
      throw new SignatureException(reason, refusal);
    }
    throw new SignatureException(
        SignatureException.Reason.WRONG_KEY,
        file.signatureName()
            + " is signed by "
            + (cert != null
                ? "certificate \"" + cert.keyId() + "\" (" + signer.describe() + ")"
                : signer.describe())
            + ", which is not trusted"
            + (principal == null ? " in " + source : " for " + principal)
            + "; expected "
            + expected(principal));
  }

  /** The keys trusted for {@code principal} (null: for anyone), for messages. */
  String expected(String principal) {
    List<String> keys = new ArrayList<>();
    for (Entry e : entries) {
      if (principal == null || SshPatterns.matchesList(principal, e.principals(), false)) {
        keys.add(
            (e.certificateAuthority() ? "a certificate from CA " : "")
                + e.key().describe()
                + " ("
                + source
                + " line "
                + e.line()
                + ")");
      }
    }
    if (keys.isEmpty()) {
      return principal == null
          ? "a trusted key, but " + source + " lists none"
          : "a key trusted for " + principal + ", but " + source + " trusts none for it";
    }
    return String.join(" or ", keys);
  }

  /** Walks an allowed_signers line as ssh-keygen does: tokens, quoted strings, options. */
  private static final class Cursor {
    private final String s;
    private int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    String rest() {
      return s.substring(pos);
    }

    private void spaces() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    /**
     * A token as OpenSSH's strdelimw reads one: up to a blank, or, from a double quote on, up to
     * the closing quote (the quotes dropped; what is between may hold blanks).
     */
    String token() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
        if (s.charAt(pos) == '"') {
          int close = s.indexOf('"', pos + 1);
          if (close < 0) {
            throw new IllegalArgumentException("a quote is not closed");
          }
          String t = s.substring(start, pos) + s.substring(pos + 1, close);
          pos = close + 1;
          spaces();
          return t;
        }
        pos++;
      }
      String t = s.substring(start, pos);
      spaces();
      return t;
    }

    String peekWord() {
      int end = pos;
      while (end < s.length() && s.charAt(end) != ' ' && s.charAt(end) != '\t') {
        end++;
      }
      return s.substring(pos, end);
    }

    /** The options field: up to the first blank outside quotes. */
    String options() {
      int start = pos;
      boolean quoted = false;
      while (pos < s.length()) {
        char ch = s.charAt(pos);
        if (!quoted && (ch == ' ' || ch == '\t')) {
          break;
        }
        if (ch == '\\' && quoted && pos + 1 < s.length() && s.charAt(pos + 1) == '"') {
          pos += 2;
          continue;
        }
        if (ch == '"') {
          quoted = !quoted;
        }
        pos++;
      }
      if (quoted) {
        throw new IllegalArgumentException("a quote in the options is not closed");
      }
      String o = s.substring(start, pos);
      spaces();
      return o;
    }

    boolean take(char ch) {
      if (pos < s.length() && s.charAt(pos) == ch) {
        pos++;
        return true;
      }
      return false;
    }

    /** Takes {@code word} (any case), followed by '=' when it has a value. */
    boolean takeKeyword(String word, boolean value) {
      int end = pos + word.length();
      if (end > s.length() || !s.substring(pos, end).toLowerCase(Locale.ROOT).equals(word)) {
        return false;
      }
      if (value) {
        if (end >= s.length() || s.charAt(end) != '=') {
          return false;
        }
        pos = end + 1;
      } else {
        if (end < s.length() && s.charAt(end) != ',') {
          return false;
        }
        pos = end;
      }
      return true;
    }

    /** A double-quoted value, {@code \"} standing for a quote. */
    String quoted(String option) {
      if (!take('"')) {
        throw new IllegalArgumentException(option + "= needs a double-quoted value");
      }
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char ch = s.charAt(pos++);
        if (ch == '\\' && pos < s.length() && s.charAt(pos) == '"') {
          sb.append('"');
          pos++;
        } else if (ch == '"') {
          return sb.toString();
        } else {
          sb.append(ch);
        }
      }
      throw new IllegalArgumentException("the value of " + option + " is not closed by a quote");
    }
  }
}
