package dev.pacha.master;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.pacha.Reporter;
import dev.pacha.config.HostKeyChecking;
import dev.pacha.transport.SftpBackend;
import dev.pacha.transport.SshSettings;
import dev.pacha.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real embedded master on 127.0.0.1 and a free port, in this JVM, with keys made by OpenSSH's
 * ssh-keygen (the same kind hosts use), and pacha's own JSch client to talk to it.
 */
final class MasterFixture implements AutoCloseable {
  final Path dir;
  final Path hosts;
  final Path knownHosts;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  final Reporter reporter =
      new Reporter() {
        @Override
        public void step(String message) {}

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };
  MasterServer server;

  final Path keys;

  MasterFixture(Path dir) throws IOException {
    this(dir, dir.resolve("keys"));
  }

  /** With keys kept in {@code keys}, so a test class can make them once for all its tests. */
  MasterFixture(Path dir, Path keys) throws IOException {
    this.dir = dir;
    this.keys = keys;
    this.hosts = dir.resolve("hosts");
    this.knownHosts = dir.resolve("known_hosts");
    Files.createDirectories(keys);
  }

  /** Makes an ed25519 key pair with ssh-keygen; returns the private key (the .pub is beside it). */
  Path key(String name) throws IOException, InterruptedException {
    Path key = keys.resolve(name);
    if (Files.exists(key)) {
      return key;
    }
    Process p =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
    return key;
  }

  static Path pub(Path key) {
    return key.resolveSibling(key.getFileName() + ".pub");
  }

  /** A host with its own key and directory, as `pacha host add NAME --key` leaves it. */
  Path addHost(String host) throws IOException, InterruptedException {
    Path key = key(host);
    MasterKeys.add(hosts, host, pub(key));
    Files.createDirectories(hosts.resolve(host));
    return key;
  }

  MasterServer start() throws IOException {
    return start(MasterSettings.of(hosts, "127.0.0.1", 0).withStopGrace(Duration.ofSeconds(2)));
  }

  MasterServer start(MasterSettings settings) throws IOException {
    server = MasterServer.start(settings, reporter);
    Files.writeString(knownHosts, server.knownHostsLine("127.0.0.1") + "\n");
    return server;
  }

  SshSettings ssh(Path key) {
    return new SshSettings(
        List.of(key),
        knownHosts,
        HostKeyChecking.YES,
        Duration.ofSeconds(20),
        Duration.ofSeconds(60));
  }

  /** pacha's own client, logged in as {@code user} with {@code key}, store root "/". */
  SftpBackend connect(String user, Path key) throws TransportException {
    return SftpBackend.connect(user, "127.0.0.1", server.port(), "/", ssh(key));
  }

  /** A bare JSch SFTP channel, for requests pacha's client never makes (links, chmod). */
  Raw raw(String user, Path key) throws JSchException {
    JSch jsch = new JSch();
    jsch.addIdentity(key.toString());
    jsch.setKnownHosts(knownHosts.toString());
    Session s = jsch.getSession(user, "127.0.0.1", server.port());
    s.setConfig("StrictHostKeyChecking", "yes");
    s.setConfig("PreferredAuthentications", "publickey");
    s.connect(20_000);
    ChannelSftp sftp = (ChannelSftp) s.openChannel("sftp");
    sftp.connect(20_000);
    return new Raw(s, sftp);
  }

  record Raw(Session session, ChannelSftp sftp) implements AutoCloseable {
    @Override
    public void close() {
      sftp.disconnect();
      session.disconnect();
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
