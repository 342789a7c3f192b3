package dev.pacha.transport;

import dev.pacha.config.HostKeyChecking;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store on an SSH master through the system's OpenSSH client: runs {@code ssh ... -s sftp} (as
 * rsync, restic and git run ssh) and speaks SFTP version 3 over its stdin and stdout, with many
 * requests in flight. The user's ssh config and ssh-agent apply; what ssh says when it fails
 * becomes the one line the operator reads.
 */
public final class OpenSshBackend implements Backend {
  /** How long ssh may take to exit once its side of the SFTP stream ended. */
  private static final long EXIT_WAIT_MILLIS = 10_000;

  private final OpenSshCommand command;
  private final Map<String, String> env;
  private final String root;
  private final Process process;
  private final SftpClient sftp;
  private final AtomicLong roundTrips;
  private final SftpFiles files;

  private OpenSshBackend(
      OpenSshCommand command,
      Map<String, String> env,
      String root,
      Process process,
      SftpClient sftp,
      AtomicLong roundTrips) {
    this.command = command;
    this.env = env;
    this.root = root;
    this.process = process;
    this.sftp = sftp;
    this.roundTrips = roundTrips;
    this.files = new SftpFiles(sftp, root, this::describe);
  }

  /**
   * Starts ssh and opens SFTP over it.
   *
   * @param env the environment ssh runs with (SSH_AUTH_SOCK reaches the agent)
   * @throws SshConfigException when ssh refuses its configuration (exit code 2)
   * @throws TransportException when the master cannot be reached or refuses us (exit code 3)
   */
  public static OpenSshBackend connect(OpenSshCommand command, Map<String, String> env, String root)
      throws IOException {
    return connect(command, env, root, new AtomicLong());
  }

  private static OpenSshBackend connect(
      OpenSshCommand command, Map<String, String> env, String root, AtomicLong roundTrips)
      throws IOException {
    if (command.hostKeyChecking().orElse(null) == HostKeyChecking.ACCEPT_NEW) {
      // ssh pins a new key in known_hosts, but makes no directory for it.
      for (Path file : command.knownHosts().stream().toList()) {
        try {
          Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
          throw new TransportException(
              "cannot create the directory of "
                  + file
                  + " to pin the master's host key in: "
                  + e.getMessage());
        }
      }
    }
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SshConfigException(
          "cannot run "
              + command.program()
              + " ("
              + e.getMessage()
              + "); install openssh-client or set pacha.ssh.client = builtin");
    }
    StderrTail tail = StderrTail.start(p.getErrorStream(), "ssh-stderr");
    InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16);
    OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16);
    SftpClient client;
    try {
      client =
          SftpClient.start(
              in, out, roundTrips, cause -> new TransportException(dropped(p, tail), cause));
    } catch (IOException e) {
      throw connectFailure(command, env, p, tail, e);
    }
    // Under StrictHostKeyChecking=no ssh connects to a revoked key after a warning (written long
    // before the SFTP greeting could come back); pacha refuses it under every setting.
    if (SshErrors.revoked(tail.lines(0))) {
      client.close();
      p.destroy();
      throw new TransportException(SshErrors.revokedMessage(context(command, Optional.empty())));
    }
    return new OpenSshBackend(command, env, root, p, client, roundTrips);
  }

  private static IOException connectFailure(
      OpenSshCommand command,
      Map<String, String> env,
      Process p,
      StderrTail tail,
      IOException cause) {
    Optional<Integer> exit = exitCode(p);
    List<String> lines = tail.lines(exit.isPresent() ? 2_000 : 0);
    if (cause instanceof SftpPacket.SftpProtocolException && lines.isEmpty()) {
      p.destroy();
      return new TransportException(
          "the master " + command.where() + " does not speak SFTP: " + cause.getMessage(), cause);
    }
    p.destroy();
    // ssh names the host key it was offered only at DEBUG1: ask again, for the operator to check.
    Optional<String> offered = Optional.empty();
    // Asked twice at most: a second connection cut short under load says nothing of the key.
    for (int i = 0; i < 2 && offered.isEmpty() && SshErrors.unknownHostKey(lines); i++) {
      offered = SshErrors.offeredKey(probe(command, env));
    }
    SshErrors.Failure f = SshErrors.connecting(lines, exit, context(command, offered));
    return f.configuration()
        ? new SshConfigException(f.message())
        : new TransportException(f.message(), cause);
  }

  private static SshErrors.Context context(OpenSshCommand command, Optional<String> offered) {
    return new SshErrors.Context(
        command.where(),
        command.identity(),
        command.identity().map(OpenSshBackend::passphraseProtected).orElse(false),
        command.knownHosts(),
        command.batch(),
        offered);
  }

  /** What ssh says at DEBUG1 when it connects again (it stops at the same unknown host key). */
  private static List<String> probe(OpenSshCommand command, Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder(command.argv(List.of("LogLevel=DEBUG1", "BatchMode=yes")))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      StderrTail tail = StderrTail.start(p.getErrorStream(), "ssh-probe");
      Optional<Integer> exit = exitCode(p, command.connectTimeout().toMillis() + EXIT_WAIT_MILLIS);
      p.destroy();
      return tail.lines(exit.isPresent() ? 5_000 : 0);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean passphraseProtected(Path key) {
    try {
      return PrivateKeys.passphraseProtected(Files.readAllBytes(key));
    } catch (IOException e) {
      return false;
    }
  }

  /** ssh's exit code once it has exited (its side of the stream has ended), if it does in time. */
  private static Optional<Integer> exitCode(Process p) {
    return exitCode(p, EXIT_WAIT_MILLIS);
  }

  private static Optional<Integer> exitCode(Process p, long millis) {
    try {
      if (p.waitFor(millis, TimeUnit.MILLISECONDS)) {
        return Optional.of(p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  private static String dropped(Process p, StderrTail tail) {
    Optional<Integer> exit = exitCode(p);
    String why = SshErrors.dropped(tail.lines(exit.isPresent() ? 2_000 : 0), exit);
    p.destroy();
    return why;
  }

  @Override
  public String describe() {
    return "sftp://" + command.where() + root;
  }

  /** Another ssh: one SSH connection's ciphers run on one core. */
  @Override
  public Backend fork() throws IOException {
    return connect(command, env, root, roundTrips);
  }

  @Override
  public boolean forksConnections() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return sftp.isOpen() && process.isAlive();
  }

  @Override
  public long roundTrips() {
    return roundTrips.get();
  }

  @Override
  public void close() {
    if (!sftp.close(new TransportException("the connection to the master was closed"))) {
      // Another thread is stuck writing to a stalled link: end ssh, which ends that write.
      process.destroy();
    }
    // ssh exits once the server has seen the end of its input; it is not waited for, but one that
    // hangs is not left behind either.
    process
        .onExit()
        .completeOnTimeout(null, 30, TimeUnit.SECONDS)
        .thenRun(
            () -> {
              if (process.isAlive()) {
                process.destroyForcibly();
              }
            });
  }

  // ---- the Backend operations, as SFTP requests

  @Override
  public List<String> list(String dir) throws IOException {
    return files.list(dir);
  }

  @Override
  public boolean exists(String path) throws IOException {
    return files.exists(path);
  }

  @Override
  public InputStream read(String path, long offset) throws IOException {
    return files.read(path, offset);
  }

  @Override
  public InputStream read(String path, long offset, long length) throws IOException {
    return files.read(path, offset, length);
  }

  @Override
  public Upload upload(String path) throws IOException {
    return files.upload(path);
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    files.mkdirs(dir);
  }

  @Override
  public void delete(String path) throws IOException {
    files.delete(path);
  }
}
