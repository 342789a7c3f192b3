package dev.pacha.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pacha.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Keys made by the real ssh-keygen, and its -Y sign / -Y verify, for the trust tests. */
final class Keys {
  private Keys() {}

  /** The ssh-keygen arguments of each key type pacha signs with itself. */
  static List<String[]> types() {
    return List.of(
        new String[] {"ed25519"},
        new String[] {"ecdsa", "-b", "256"},
        new String[] {"ecdsa", "-b", "384"},
        new String[] {"ecdsa", "-b", "521"},
        new String[] {"rsa", "-b", "2048"});
  }

  /** A new key without passphrase at {@code dir/name}; extra args such as "-m", "PEM". */
  static Path generate(Path dir, String name, String[] type, String... extra) throws Exception {
    Path key = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", name, "-t"));
    cmd.addAll(List.of(type));
    cmd.addAll(List.of(extra));
    cmd.addAll(List.of("-f", key.toString()));
    Tools.run(dir, cmd.toArray(String[]::new));
    return key;
  }

  static SshPublicKey publicKey(Path key) throws IOException {
    return SshPublicKey.parse(Files.readString(Path.of(key + ".pub")));
  }

  /** Signs with ssh-keygen -Y sign; returns the armored signature. */
  static byte[] sshKeygenSign(Path key, String namespace, byte[] data) throws Exception {
    Path msg = Files.createTempFile(key.getParent(), "msg", "");
    Files.write(msg, data);
    Tools.run(
        key.getParent(),
        "ssh-keygen",
        "-Y",
        "sign",
        "-f",
        key.toString(),
        "-n",
        namespace,
        msg.toString());
    return Files.readAllBytes(Path.of(msg + ".sig"));
  }

  /** Runs ssh-keygen -Y verify; returns the result (exit code 0 when it accepts). */
  static Tools.Result sshKeygenVerify(
      Path dir, String allowedSigners, String principal, String namespace, byte[] data, byte[] sig)
      throws Exception {
    Path allowed = Files.createTempFile(dir, "allowed", "");
    Files.writeString(allowed, allowedSigners);
    Path sigFile = Files.createTempFile(dir, "sig", "");
    Files.write(sigFile, sig);
    Path msg = Files.createTempFile(dir, "msg", "");
    Files.write(msg, data);
    return Tools.exec(
        dir,
        null,
        List.of(
            "sh",
            "-c",
            "exec ssh-keygen -Y verify -f \"$1\" -I \"$2\" -n \"$3\" -s \"$4\" < \"$5\"",
            "sh",
            allowed.toString(),
            principal,
            namespace,
            sigFile.toString(),
            msg.toString()));
  }

  static void assertOneLine(String message) {
    assertEquals(-1, message.indexOf('\n'), message);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
