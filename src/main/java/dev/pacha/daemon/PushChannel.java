package dev.pacha.daemon;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.store.SnapshotWriter;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * `pacha push` served by a running push daemon, over a UNIX socket in the state dir (only its owner
 * can reach it). The push runs in the daemon's warm JVM, after any push under way rather than
 * failing on the lock, and its progress and result go back to the caller, who prints them as if it
 * had pushed itself. Without a daemon the caller pushes itself.
 *
 * <p>The exchange is lines of text. The caller sends {@code push 1}; the daemon answers with events
 * ({@code S} step, {@code W} warning, {@code D} detail, {@code K} a skipped entry), then either
 * {@code R host snapshot changed entries uploadedObjects uploadedBytes reusedObjects} or {@code E
 * KIND message}.
 */
public final class PushChannel {
  static final String REQUEST = "push 1";

  private PushChannel() {}

  /** Where a state dir's daemon listens. */
  public static Path socket(Path stateDir) {
    return stateDir.resolve("daemon.sock");
  }

  /**
   * Has the daemon of this state dir push, if one listens.
   *
   * @return the push's result, or empty when no daemon answers (the caller pushes itself)
   * @throws PachaException as the daemon's push failed (same kind, same message)
   */
  public static Optional<SnapshotWriter.PushResult> push(Path stateDir, Reporter reporter) {
    Path socket = socket(stateDir);
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    SocketChannel ch;
    try {
      ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return Optional.empty(); // left by a daemon that was killed
    }
    try (ch) {
      OutputStream out = Channels.newOutputStream(ch);
      out.write((REQUEST + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), UTF_8));
      List<String> skipped = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String text = line.length() > 2 ? line.substring(2) : "";
        switch (line.isEmpty() ? ' ' : line.charAt(0)) {
          case 'S' -> reporter.step(text);
          case 'W' -> reporter.warn(text);
          case 'D' -> reporter.detail(text);
          case 'K' -> skipped.add(text);
          case 'R' -> {
            return Optional.of(result(text, skipped));
          }
          case 'E' -> {
            int space = text.indexOf(' ');
            throw new PachaException(
                PachaException.Kind.valueOf(text.substring(0, space)), text.substring(space + 1));
          }
          default -> {
            // A line of a later version: nothing to show.
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PachaException p) {
        throw p;
      }
    }
    // The daemon went away before it answered: pushing here is safe (a push is all or nothing).
    reporter.warn("the push daemon stopped answering; pushing from here");
    return Optional.empty();
  }

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;

  private static SnapshotWriter.PushResult result(String text, List<String> skipped) {
    String[] f = text.split(" ");
    return new SnapshotWriter.PushResult(
        f[0],
        f[1],
        Boolean.parseBoolean(f[2]),
        Integer.parseInt(f[3]),
        Integer.parseInt(f[4]),
        Long.parseLong(f[5]),
        Integer.parseInt(f[6]),
        List.copyOf(skipped));
  }

  /** The daemon's side: answers push requests, one at a time, until closed. */
  public static final class Server implements Closeable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Function<Reporter, SnapshotWriter.PushResult> push;
    private final Reporter log;
    private final Thread thread;

    private Server(
        Path socket,
        ServerSocketChannel server,
        Function<Reporter, SnapshotWriter.PushResult> push,
        Reporter log) {
      this.socket = socket;
      this.server = server;
      this.push = push;
      this.log = log;
      this.thread = new Thread(this::serve, "pacha-push-requests");
      thread.setDaemon(true);
    }

    /**
     * Listens on the state dir's socket. The caller makes sure no other daemon of this state dir
     * runs (the pid file), so a socket found there is stale and replaced.
     *
     * @param push runs one push, reporting to the reporter given
     */
    public static Server start(
        Path stateDir, Function<Reporter, SnapshotWriter.PushResult> push, Reporter log)
        throws IOException {
      Path socket = socket(stateDir);
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      Server s = new Server(socket, server, push, log);
      s.thread.start();
      return s;
    }

    private void serve() {
      while (server.isOpen()) {
        try (SocketChannel client = server.accept()) {
          answer(client);
        } catch (ClosedChannelException e) {
          return;
        } catch (IOException | UncheckedIOException e) {
          // The caller went away; the push it asked for has run or will run next round.
        }
      }
    }

    private void answer(SocketChannel client) throws IOException {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(Channels.newInputStream(client), UTF_8));
      OutputStream out = Channels.newOutputStream(client);
      String request = in.readLine();
      if (!REQUEST.equals(request)) {
        send(out, "E USAGE the push daemon does not understand '" + request + "'; update pacha");
        return;
      }
      log.step("push requested by pacha push");
      Reporter relay = new Relay(out, log);
      String answer;
      try {
        SnapshotWriter.PushResult r = push.apply(relay);
        for (String s : r.skipped()) {
          send(out, "K " + s);
        }
        answer =
            String.join(
                " ",
                "R",
                r.host(),
                r.snapshot(),
                Boolean.toString(r.changed()),
                Integer.toString(r.entries()),
                Integer.toString(r.uploadedObjects()),
                Long.toString(r.uploadedBytes()),
                Integer.toString(r.reusedObjects()));
      } catch (PachaException e) {
        answer = "E " + e.kind().name() + " " + e.getMessage();
      } catch (RuntimeException e) {
        answer = "E FAILED the push daemon's push failed: " + e;
      }
      send(out, answer);
    }

    @Override
    public void close() throws IOException {
      server.close();
      Files.deleteIfExists(socket);
    }
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends a push's events to the caller, and to the daemon's own log. */
  private static final class Relay implements Reporter {
    private final OutputStream out;
    private final Reporter log;
    private boolean gone;

    Relay(OutputStream out, Reporter log) {
      this.out = out;
      this.log = log;
    }

    private void line(String kind, String text) {
      if (gone) {
        return;
      }
      try {
        send(out, kind + " " + text);
      } catch (IOException e) {
        gone = true; // the caller went away; the push goes on
      }
    }

    @Override
    public void step(String message) {
      line("S", message);
    }

    @Override
    public void warn(String message) {
      log.warn(message);
      line("W", message);
    }

    @Override
    public void detail(String message) {
      line("D", message);
    }
  }
}
