package dev.pacha.master;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.PropertyResolverUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The embedded master: an SFTP-only SSH server (Apache MINA SSHD) over a hosts path, for teams
 * without an OpenSSH master. Hosts log in with their own key as their own name and see only their
 * own directory ({@link KeyAuthenticator}, {@link HostViewAccessor}); the same client config works
 * as against OpenSSH: {@code pacha.master.url = sftp://bar@master:2222/}.
 *
 * <p>Only public-key logins; no shell, exec or forwarding. {@link #close()} stops taking new
 * connections, lets connected hosts finish (up to {@link MasterSettings#stopGrace()}), then stops.
 * MINA lives in this package only; its failures leave it as {@link PachaException}s.
 */
public final class MasterServer implements AutoCloseable {
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private final Listening sshd;
  private final MasterSettings settings;
  private final Path hostsPath;
  private final HostKeys.Loaded hostKey;
  private final int adminKeys;
  private final int port;
  private final Reporter reporter;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private MasterServer(
      Listening sshd,
      MasterSettings settings,
      Path hostsPath,
      HostKeys.Loaded hostKey,
      int adminKeys,
      int port,
      Reporter reporter) {
    this.sshd = sshd;
    this.settings = settings;
    this.hostsPath = hostsPath;
    this.hostKey = hostKey;
    this.adminKeys = adminKeys;
    this.port = port;
    this.reporter = reporter;
  }

  /**
   * Starts serving and returns at once.
   *
   * @throws PachaException exit 3 when the port is taken, exit 2 for a hosts path that cannot be
   *     made, an unreadable admin keys or host key file, or an address that cannot be used
   */
  public static MasterServer start(MasterSettings settings, Reporter reporter) {
    // MINA's log is off (simplelogger.properties); slf4j-simple reads this property once, when
    // MINA makes its first logger, so it must be set before that.
    if (settings.verbose() && System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(LOG_LEVEL, "info");
    }
    Path root = prepare(settings.hostsPath(), reporter);
    int admins = 0;
    if (settings.adminKeys().isPresent()) {
      List<PublicKey> keys = MasterKeys.readStrict(settings.adminKeys().get());
      if (keys.isEmpty()) {
        throw PachaException.usage(
            "admin keys file " + settings.adminKeys().get() + " holds no public key");
      }
      admins = keys.size();
    }
    HostKeys.Loaded key = HostKeys.loadOrCreate(settings.hostKeyFile());

    Listening sshd = (Listening) ServerBuilder.builder().factory(Listening::new).build();
    sshd.setHost(settings.bind());
    sshd.setPort(settings.port());
    sshd.setKeyPairProvider(KeyPairProvider.wrap(key.pair()));
    sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    KeyFiles keyFiles = new KeyFiles(root, settings.adminKeys());
    sshd.setPublickeyAuthenticator(new KeyAuthenticator(root, keyFiles, reporter));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setHostBasedAuthenticator(null);
    // Sessions only (no direct-tcpip), and no forwarding of any kind.
    sshd.setChannelFactories(List.of(ChannelSessionFactory.INSTANCE));
    sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
    HostViewAccessor accessor = new HostViewAccessor(root, settings.hostKeyFile(), keyFiles);
    SftpSubsystemFactory sftp =
        new SftpSubsystemFactory.Builder().withFileSystemAccessor(accessor).build();
    sftp.addSftpEventListener(accessor.mkdirDone());
    sshd.setSubsystemFactories(List.of(sftp));
    // Durability: data reaches the disk before the client hears that a close succeeded.
    PropertyResolverUtils.updateProperty(
        sshd, SftpFileSystemAccessor.PROP_AUTO_SYNC_FILE_ON_CLOSE, true);
    limit(sshd, settings.limits(), reporter);
    sshd.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionEvent(Session session, Event event) {
            if (event == Event.Authenticated) {
              reporter.detail(
                  session.getUsername()
                      + " logged in from "
                      + session.getRemoteAddress()
                      + " as "
                      + session.getAttribute(Access.KEY));
            }
          }
        });
    try {
      sshd.start();
    } catch (BindException e) {
      String where = settings.bind() + ":" + settings.port();
      if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use")) {
        throw PachaException.unreachable(
            "cannot listen on "
                + where
                + ": the port is in use; stop what holds it (ss -ltnp) or choose another --port",
            e);
      }
      throw PachaException.usage(
          "cannot listen on " + where + ": " + e.getMessage() + "; check --bind and --port");
    } catch (IOException | RuntimeException e) {
      throw PachaException.usage(
          "cannot listen on "
              + settings.bind()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage()
              + "; check --bind and --port");
    }
    int bound = settings.port();
    for (SocketAddress a : sshd.getBoundAddresses()) {
      if (a instanceof InetSocketAddress in) {
        bound = in.getPort();
      }
    }
    return new MasterServer(sshd, settings, root, key, admins, bound, reporter);
  }

  /**
   * What keeps the master up under a flood (issue 17): connections that have not logged in are
   * bounded in number ({@link StartupLimiter}) and in time (the login grace), logged-in ones in
   * idle time and per host name, and each connection in memory: an SFTP channel takes no more than
   * its window (1 MiB) before the master has written it, and a connection has at most two channels
   * (pacha uses one). Incoming SSH packets are bounded by MINA itself (256 KiB).
   */
  private static void limit(SshServer sshd, MasterSettings.Limits limits, Reporter reporter) {
    CoreModuleProperties.AUTH_TIMEOUT.set(sshd, limits.loginGraceTime());
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, limits.idleTimeout());
    CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(sshd, limits.maxSessions());
    CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(sshd, 2);
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, 10);
    CoreModuleProperties.WINDOW_SIZE.set(sshd, 1L << 20);
    SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(sshd, 64);
    sshd.addSessionListener(
        new StartupLimiter(
            sshd::getActiveSessions,
            limits.maxStartups(),
            limits.maxStartupsPerSource(),
            reporter,
            System::nanoTime));
  }

  /**
   * Makes the hosts path when missing (0700: host data is the master's alone); returns it with
   * links resolved. An existing one that other users may enter is used, with a warning.
   */
  private static Path prepare(Path hostsPath, Reporter reporter) {
    Path p = hostsPath.toAbsolutePath().normalize();
    Path real;
    try {
      MasterKeys.createPrivateDirs(p);
      real = p.toRealPath();
    } catch (FileAlreadyExistsException e) {
      throw PachaException.usage(
          "the hosts path " + p + " exists but is not a directory; choose another --hosts-path");
    } catch (IOException e) {
      throw PachaException.usage(
          "cannot create the hosts path "
              + p
              + ": "
              + e.getMessage()
              + "; create it (mkdir -p "
              + p
              + ") or choose another --hosts-path");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(real);
      if (perms.stream().anyMatch(x -> !x.name().startsWith("OWNER"))) {
        reporter.warn(
            "the hosts path "
                + real
                + " is open to other users ("
                + PosixFilePermissions.toString(perms)
                + "); host data belongs to the master alone: chmod 700 "
                + real);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
    return real;
  }

  /** The port it listens on (the one picked, for --port 0). */
  public int port() {
    return port;
  }

  public String bind() {
    return settings.bind();
  }

  /** The hosts path, links resolved. */
  public Path hostsPath() {
    return hostsPath;
  }

  public Path hostKeyFile() {
    return settings.hostKeyFile();
  }

  /** Whether this start made a new host key (hosts must pin it). */
  public boolean hostKeyCreated() {
    return hostKey.created();
  }

  /** The host key's type, "ssh-ed25519" or "ssh-rsa". */
  public String hostKeyType() {
    return hostKey.type();
  }

  /** The host key's fingerprint as OpenSSH shows it (SHA256:...). */
  public String fingerprint() {
    return hostKey.fingerprint();
  }

  /** How many admin keys were read at start. */
  public int adminKeyCount() {
    return adminKeys;
  }

  /**
   * The name hosts can reach the master by: the bound address, or this machine's name when bound to
   * every address.
   */
  public String address() {
    return reachableName(settings.bind());
  }

  /** The bound address, or this machine's name for an address that means every one. */
  public static String reachableName(String bind) {
    try {
      if (InetAddress.getByName(bind).isAnyLocalAddress()) {
        return InetAddress.getLocalHost().getCanonicalHostName();
      }
    } catch (UnknownHostException e) {
      // Fall back to what was asked for.
    }
    return bind;
  }

  /** A known_hosts line for hosts to pin this master under {@code name}. */
  public String knownHostsLine(String name) {
    String host = port == 22 ? name : "[" + name + "]:" + port;
    return host + " " + hostKey.publicLine();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops taking connections, waits up to the stop grace for connected hosts to finish, then closes
   * what is left. Safe to call more than once and from a shutdown hook.
   */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      sshd.stopListening();
      Duration grace = settings.stopGrace();
      long deadline = System.nanoTime() + grace.toNanos();
      int open = sshd.getActiveSessions().size();
      if (open > 0) {
        reporter.step(
            "Stopping: waiting up to " + grace.toSeconds() + "s for " + open + " connected hosts");
      }
      while (!sshd.getActiveSessions().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      int cut = sshd.getActiveSessions().size();
      if (cut > 0) {
        reporter.warn(
            "closing " + cut + " connections still open after " + grace.toSeconds() + "s");
      }
      sshd.stop(cut > 0);
    } catch (IOException e) {
      reporter.warn("the master did not stop cleanly: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  /** MINA's server with a way to stop listening while sessions carry on. */
  private static final class Listening extends SshServer {
    void stopListening() {
      if (acceptor != null) {
        acceptor.unbind();
      }
    }
  }
}
