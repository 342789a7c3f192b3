package dev.pacha.trust;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signs by running {@code ssh-keygen -Y sign}: for keys pacha does not sign with itself, those
 * behind a passphrase (ssh-keygen asks on the terminal), held by an ssh-agent (given as the public
 * key or certificate file), or on a FIDO token (ssh-keygen asks for a touch). What ssh-keygen says
 * goes to the reporter line by line; the signature it returns is checked before use.
 */
final class SshKeygenSigner implements SshSigner {
  static final String SSH_KEYGEN = "ssh-keygen";

  private final Path key;
  private final SshPublicKey publicKey;
  private final Map<String, String> env;
  private final Reporter reporter;

  SshKeygenSigner(Path key, SshPublicKey publicKey, Map<String, String> env, Reporter reporter) {
    this.key = key;
    this.publicKey = publicKey;
    this.env = env;
    this.reporter = reporter;
  }

  @Override
  public SshPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String sign(byte[] message, String namespace) {
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(SSH_KEYGEN, "-Y", "sign", "-f", key.toString(), "-n", namespace));
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new PachaException(
          PachaException.Kind.TOOL_MISSING,
          "cannot run ssh-keygen to sign with "
              + key
              + " ("
              + e.getMessage()
              + "); install openssh-client, or use a key without a passphrase",
          e);
    }
    AtomicReference<String> lastLine = new AtomicReference<>("");
    Thread errors = new Thread(() -> relay(p.getErrorStream(), lastLine), "ssh-keygen stderr");
    errors.setDaemon(true);
    errors.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(message);
      } catch (IOException e) {
        // ssh-keygen stopped reading (it failed to load the key): its exit code says why.
      }
      try (InputStream stdout = p.getInputStream()) {
        stdout.transferTo(out);
      }
      code = p.waitFor();
      errors.join();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new PachaException(PachaException.Kind.CANCELLED, "signing was interrupted", e);
    }
    if (code != 0) {
      throw PachaException.failed(
          "ssh-keygen could not sign with "
              + key
              + (lastLine.get().isEmpty() ? " (exit code " + code + ")" : ": " + lastLine.get())
              + "; check the passphrase, that the key is in the agent (ssh-add -l), or the token",
          null);
    }
    String armored = out.toString(StandardCharsets.US_ASCII);
    SshSig.Parsed parsed;
    try {
      parsed = SshSig.parse(armored.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw PachaException.failed(
          "ssh-keygen returned no usable signature for " + key + ": " + e.getMessage(), e);
    }
    if (!java.util.Arrays.equals(parsed.publicKey(), publicKey.rawBlob())) {
      throw PachaException.failed(
          "ssh-keygen signed with "
              + SshPublicKey.fromBlob(parsed.publicKey(), "").describe()
              + ", not "
              + publicKey.describe()
              + " of "
              + key,
          null);
    }
    return armored;
  }

  private void relay(InputStream err, AtomicReference<String> lastLine) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("Signing data on standard input")) {
          continue;
        }
        lastLine.set(line.strip());
        reporter.step("ssh-keygen: " + line.strip());
      }
    } catch (IOException e) {
      // The process ended; its exit code tells the rest.
    }
  }
}
