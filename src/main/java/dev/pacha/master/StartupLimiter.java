package dev.pacha.master;

import dev.pacha.Reporter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * OpenSSH's MaxStartups and PerSourceMaxStartups for the embedded master: a new connection is
 * dropped at once when too many connections have not logged in yet, in all or from its address.
 * Connections that never log in are closed by the login grace time, so a flood of them holds a
 * bounded number of descriptors and bytes, while hosts from other addresses (and from the same one,
 * once it is below its share) still get in.
 *
 * <p>It refuses in {@link #sessionEstablished}, which MINA calls while it builds the session of an
 * accepted connection, before anything is sent: the acceptor then closes the socket. Accepted
 * connections are handed over one at a time, so the count of the others is exact.
 */
final class StartupLimiter implements SessionListener {
  /** A refusal is told at most this often; the ones in between are counted. */
  static final long WARN_EVERY_NANOS = 60_000_000_000L;

  private final Supplier<? extends Collection<? extends Session>> sessions;
  private final int total;
  private final int perSource;
  private final Reporter reporter;
  private final LongSupplier clock;
  private long lastWarned;
  private boolean warned;
  private int unreported;

  /**
   * @param sessions the server's open sessions, the one being built not among them
   */
  StartupLimiter(
      Supplier<? extends Collection<? extends Session>> sessions,
      int total,
      int perSource,
      Reporter reporter,
      LongSupplier clock) {
    this.sessions = sessions;
    this.total = total;
    this.perSource = perSource;
    this.reporter = reporter;
    this.clock = clock;
  }

  /** Thrown to make MINA drop the connection; never leaves MINA. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void sessionEstablished(Session session) {
    InetAddress from = address(session.getIoSession().getRemoteAddress());
    int waiting = 0;
    int fromThere = 0;
    for (Session s : sessions.get()) {
      if (s == session || !s.isOpen() || s.isAuthenticated()) {
        continue;
      }
      waiting++;
      if (from != null && from.equals(address(s.getIoSession().getRemoteAddress()))) {
        fromThere++;
      }
    }
    String why = null;
    if (fromThere >= perSource) {
      why =
          fromThere
              + " connections from that address have not logged in yet (max_startups_per_source "
              + perSource
              + ")";
    } else if (waiting >= total) {
      why = waiting + " connections have not logged in yet (max_startups " + total + ")";
    }
    if (why != null) {
      String source =
          from == null
              ? String.valueOf(session.getIoSession().getRemoteAddress())
              : from.getHostAddress();
      tell("dropped a connection from " + source + ": " + why);
      throw new Refused(why);
    }
  }

  /** Says the first refusal at once, then at most one line a minute with how many were dropped. */
  private synchronized void tell(String line) {
    long now = clock.getAsLong();
    if (warned && now - lastWarned < WARN_EVERY_NANOS) {
      unreported++;
      return;
    }
    String more =
        unreported == 0 ? "" : " (and " + unreported + " more dropped since the last such line)";
    reporter.warn(line + more);
    warned = true;
    lastWarned = now;
    unreported = 0;
  }

  private static InetAddress address(SocketAddress a) {
    return a instanceof InetSocketAddress in ? in.getAddress() : null;
  }
}
