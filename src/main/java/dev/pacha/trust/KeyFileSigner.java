package dev.pacha.trust;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;

/** Signs in-process with an unencrypted key pacha read itself (Ed25519, ECDSA, RSA). */
final class KeyFileSigner implements SshSigner {
  private final SshPublicKey publicKey;
  private final PrivateKey privateKey;

  KeyFileSigner(SshPublicKey publicKey, PrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  @Override
  public SshPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String sign(byte[] message, String namespace) {
    byte[] data = SshSig.toBeSigned(namespace, SshSig.HASH, message);
    try {
      byte[] sig = KeyAlgorithms.sign(publicKey.type(), privateKey, data);
      return SshSig.armor(publicKey.rawBlob(), namespace, SshSig.HASH, sig);
    } catch (GeneralSecurityException e) {
      // The key was read and checked when this signer was made; the JDK refusing it now is a bug.
      throw new IllegalStateException("cannot sign with " + publicKey.describe(), e);
    }
  }
}
