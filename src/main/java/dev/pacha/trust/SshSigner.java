package dev.pacha.trust;

/**
 * Makes SSHSIG signatures, as {@code ssh-keygen -Y sign} does. See {@link SshSigners} for which
 * keys are signed with in-process and which through ssh-keygen.
 */
public interface SshSigner {

  /** The key the signatures carry (a certificate, when signing with one). */
  SshPublicKey publicKey();

  /**
   * The armored signature ({@code -----BEGIN SSH SIGNATURE-----}) of {@code message} in {@code
   * namespace}, hashed with sha512.
   */
  String sign(byte[] message, String namespace);
}
