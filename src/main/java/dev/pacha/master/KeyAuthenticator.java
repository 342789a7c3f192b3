package dev.pacha.master;

import dev.pacha.Reporter;
import dev.pacha.store.HostNames;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Maps a login key to what the session may see. The SSH user name must be the host's name: a key in
 * {@code .pacha-master/keys/bar.pub} logs in as user {@code bar} only, and that session sees {@code
 * /bar} and nothing else. Failing that, a key from the admin keys file logs in under any user name
 * and sees every host. Anything else is refused.
 *
 * <p>Why the user name must match: a host's client already connects as {@code
 * sftp://bar@master:port/} (its own name), the name makes the choice explicit when one key is
 * listed for two hosts, and a mismatch shows up as a refused login rather than as pushes landing in
 * another host's directory. Key files are looked at for every login ({@link KeyFiles}), so {@code
 * pacha host add --key} and {@code host revoke} take effect without a restart.
 *
 * <p>The result is stored on the session at each call: MINA asks this authenticator for every
 * publickey request, signed or not, and a signed one that passes ends authentication right after,
 * so the last answer stored is the one for the key that signed.
 */
final class KeyAuthenticator implements PublickeyAuthenticator {
  private final Path hostsPath;
  private final KeyFiles keyFiles;
  private final Reporter reporter;

  KeyAuthenticator(Path hostsPath, KeyFiles keyFiles, Reporter reporter) {
    this.hostsPath = hostsPath;
    this.keyFiles = keyFiles;
    this.reporter = reporter;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    session.removeAttribute(Access.KEY);
    Access access = keyFiles.decide(username, key);
    if (access == null) {
      reporter.warn(
          "refused "
              + KeyUtils.getKeyType(key)
              + " key "
              + KeyUtils.getFingerPrint(key)
              + " for user '"
              + username
              + "' from "
              + session.getClientAddress()
              + ": "
              + (HostNames.isValid(username)
                  ? "not in " + MasterKeys.keyFile(hostsPath, username)
                  : "no such host")
              + keyFiles.adminKeys().map(a -> " nor in " + a).orElse("")
              + " (add it on the master: pacha host add HOST --key KEY.pub)");
      return false;
    }
    session.setAttribute(Access.KEY, access);
    return true;
  }
}
