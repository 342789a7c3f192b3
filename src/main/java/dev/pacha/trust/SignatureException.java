package dev.pacha.trust;

import dev.pacha.PachaException;

/**
 * A signature that does not verify: an integrity failure (exit code 4). The message is one line:
 * which file, which key was expected, what was wrong; {@link #reason()} says the last part for
 * callers that act on it.
 */
public final class SignatureException extends PachaException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the signature. */
  public enum Reason {
    /** There is no signature file. */
    UNSIGNED,
    /** The signature file is not an SSH signature (damaged, or something else). */
    MALFORMED,
    /** It was made for another purpose (its namespace differs). */
    WRONG_NAMESPACE,
    /** It was made by a key that is not trusted for this signer (or not for this namespace). */
    WRONG_KEY,
    /** A trusted key, but not now: outside valid-after/valid-before, or an expired certificate. */
    NOT_VALID_NOW,
    /** The maths fail: the signed file or the signature was changed after signing. */
    BAD_SIGNATURE
  }

  private final Reason reason;

  SignatureException(Reason reason, String message) {
    super(Kind.INTEGRITY, Printable.of(message));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
