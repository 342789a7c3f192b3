package dev.pacha.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pacha.config.HostKeyChecking;
import dev.pacha.transport.OpenSshCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd on 127.0.0.1 and a free port, with its own config, host key and
 * authorized_keys in a temp dir; stopped by its PID. Fails (never skips) when sshd is missing: the
 * README's test command installs openssh-server.
 */
public final class OpenSshServer implements AutoCloseable {
  public static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final int port;
  private Process process;
  private final Path clientKey;

  private OpenSshServer(Path dir, int port, Process process, Path clientKey) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.clientKey = clientKey;
  }

  /**
   * The SSH client the integration tests' configs name (pacha.ssh.client), from the system property
   * {@code pacha.it.ssh.client}: the failsafe run for the built-in client sets it to builtin;
   * unset, the configs leave the choice to pacha (openssh, since ssh is installed).
   */
  public static final String CLIENT_PROPERTY = "pacha.it.ssh.client";

  /** The config line choosing the client under test, or none. */
  public static java.util.Optional<String> clientLine() {
    String c = System.getProperty(CLIENT_PROPERTY, "");
    return c.isBlank()
        ? java.util.Optional.empty()
        : java.util.Optional.of("pacha.ssh.client = " + c);
  }

  /**
   * Starts sshd with a fresh host key and one client key allowed to log in as root. A host key
   * already at {@code dir/ssh_host_ed25519_key} is kept (a test may have certified it); {@code
   * extraConfig} lines are added to sshd_config ("HostCertificate ...").
   */
  public static OpenSshServer start(Path dir, String... extraConfig) throws Exception {
    if (!Files.isExecutable(SSHD)) {
      fail(SSHD + " is missing: install openssh-server (the README's test command does)");
    }
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd"));
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    Path clientKey = dir.resolve("client_key");
    if (!Files.exists(hostKey)) {
      Tools.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    }
    Tools.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
    Files.copy(clientKey.resolveSibling("client_key.pub"), dir.resolve("authorized_keys"));
    int port = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + hostKey,
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "Subsystem sftp internal-sftp",
            String.join("\n", extraConfig),
            ""),
        StandardCharsets.UTF_8);
    OpenSshServer server = new OpenSshServer(dir, port, launch(dir), clientKey);
    server.awaitListening(Duration.ofSeconds(10));
    return server;
  }

  private static Process launch(Path dir) throws IOException {
    return new ProcessBuilder(
            SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
        .start();
  }

  /** Stops the server (a master outage); {@link #restart()} brings it back, same port and key. */
  public void stopServer() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  public void restart() throws Exception {
    process = launch(dir);
    awaitListening(Duration.ofSeconds(10));
  }

  private void awaitListening(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("sshd exited at start: " + Files.readString(dir.resolve("sshd.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    fail("sshd did not listen on port " + port + " in " + timeout);
  }

  /** The server's host public key file (ssh_host_ed25519_key.pub). */
  public Path hostKeyPub() {
    return dir.resolve("ssh_host_ed25519_key.pub");
  }

  /** Lets one more key log in as root. */
  public void authorize(Path publicKey) throws IOException {
    Files.writeString(
        dir.resolve("authorized_keys"),
        Files.readString(publicKey),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** What sshd logged so far. */
  public String log() throws IOException {
    Path log = dir.resolve("sshd.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** The server's host key, "ssh-ed25519 AAAA..." (public). */
  public String hostKey() throws IOException {
    return Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim();
  }

  /** The private key the server accepts for root. */
  public Path clientKey() {
    return clientKey;
  }

  /** A known_hosts file pinning this server's host key. */
  public Path knownHosts() throws IOException {
    Path kh = dir.resolve("known_hosts");
    String pub = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim();
    String[] parts = pub.split(" ");
    Files.writeString(kh, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
    return kh;
  }

  /**
   * How the system's ssh reaches this server as root, with the client key and the pinned host key,
   * reading {@code sshConfig} (created empty when missing) instead of the machine's ssh config.
   */
  public OpenSshCommand sshCommand(Path sshConfig) throws IOException {
    if (!Files.exists(sshConfig)) {
      Files.createDirectories(sshConfig.toAbsolutePath().getParent());
      Files.writeString(sshConfig, "");
    }
    return new OpenSshCommand(
        Path.of("/usr/bin/ssh"),
        "127.0.0.1",
        Optional.of("root"),
        OptionalInt.of(port),
        Optional.of(sshConfig),
        Optional.of(clientKey),
        Optional.of(knownHosts()),
        Optional.of(HostKeyChecking.YES),
        true,
        Duration.ofSeconds(15));
  }

  /** A pacha config for host {@code host} pushing to {@code hostsPath} on this server. */
  public Path config(Path file, String host, Path hostsPath, Path stateDir, String... extra)
      throws IOException {
    java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put("pacha.host", "127.0.0.1");
    keys.put("pacha.ssh.port", Integer.toString(port));
    keys.put("pacha.ssh.user", "root");
    keys.put("pacha.hosts.path", hostsPath.toString());
    keys.put("pacha.hostname", host);
    keys.put("pacha.ssh.identity", clientKey.toString());
    keys.put("pacha.ssh.known_hosts", knownHosts().toString());
    keys.put("pacha.state.dir", stateDir.toString());
    clientLine()
        .ifPresent(l -> keys.put("pacha.ssh.client", l.substring(l.indexOf('=') + 1).trim()));
    // Extra "key = value" lines override the defaults above.
    for (String line : extra) {
      int eq = line.indexOf('=');
      keys.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    StringBuilder sb = new StringBuilder("[DEFAULT]\n");
    keys.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString());
    return file;
  }

  @Override
  public void close() throws Exception {
    Path pid = dir.resolve("sshd.pid");
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(pid);
  }
}
