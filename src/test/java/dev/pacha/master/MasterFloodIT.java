package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 3: connections that send a banner and never log in must not take `pacha master
 * serve` down. A real child process (the packaged launcher, with its heap limit and flags) is
 * flooded from 127.0.0.2 while host bar logs in and pushes from 127.0.0.1.
 */
class MasterFloodIT {
  static final int FLOOD = 300;
  static final int PER_SOURCE = 10;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void serve_bannerOnlyFloodFromOneAddress_staysBoundedServesHostsAndClosesTheFlood()
      throws Exception {
    String launcher = System.getProperty("pacha.launcher");
    assertTrue(launcher != null && Files.isExecutable(Path.of(launcher)), "needs the packaged jar");
    MasterFixture m = new MasterFixture(tmp);
    Path barKey = m.addHost("bar");
    Process p =
        new ProcessBuilder(
                launcher,
                "master",
                "serve",
                "--hosts-path",
                m.hosts.toString(),
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--max-startups",
                "50",
                "--max-startups-per-source",
                String.valueOf(PER_SOURCE),
                "--login-grace-time",
                "3s")
            .redirectError(tmp.resolve("serve.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder printed = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        printed.append(line).append('\n');
        if (line.startsWith("Stop with")) {
          break;
        }
      }
      Matcher port = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
      assertTrue(port.find(), printed.toString());
      int masterPort = Integer.parseInt(port.group(1));
      String known =
          printed
              .toString()
              .lines()
              .map(String::trim)
              .filter(l -> l.startsWith("[127.0.0.1]:"))
              .findFirst()
              .orElseThrow();
      Files.writeString(m.knownHosts, known + "\n");
      long pid = p.pid();
      assertTrue(
          Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("ExitOnOutOfMemoryError"),
          "the launcher makes the master exit when it runs out of memory");

      Path disk = tmp.resolve("disk");
      Files.createDirectories(disk.resolve("opt/foo"));
      Files.writeString(disk.resolve("opt/foo/app.conf"), "port = 8080\n");
      Path config = barConfig(m, barKey, masterPort);
      // A first push warms the master up, so the figures below compare like with like.
      push(config, disk);
      int fdsBefore = fds(pid);
      long rssBefore = rssKib(pid);

      Flood flood = new Flood(new InetSocketAddress("127.0.0.1", masterPort));
      Thread flooder = new Thread(flood, "flood");
      flooder.start();
      try {
        flood.awaitFull();
        List<Integer> fdSamples = new ArrayList<>(List.of(fds(pid)));
        List<Long> rssSamples = new ArrayList<>(List.of(rssKib(pid)));
        // A host logs in and pushes while the flood holds.
        Files.writeString(disk.resolve("opt/foo/app.conf"), "port = 9090\n");
        long openedBefore = flood.opened.get();
        push(config, disk);
        fdSamples.add(fds(pid));
        rssSamples.add(rssKib(pid));
        assertTrue(flood.opened.get() > openedBefore, "the flood went on during the push");
        int maxFds = fdSamples.stream().max(Integer::compare).orElseThrow();
        long maxRss = rssSamples.stream().max(Long::compare).orElseThrow();
        System.out.printf(
            "MasterFloodIT: descriptors %d before, %s during; RSS %d KiB before, %s during;"
                + " %d flood connections so far%n",
            fdsBefore, fdSamples, rssBefore, rssSamples, flood.opened.get());
        // Without the limits the master held every flood connection (300 descriptors more).
        assertTrue(
            maxFds <= fdsBefore + PER_SOURCE + 30,
            "descriptors: " + fdsBefore + " before, " + fdSamples + " during the flood");
        assertTrue(
            maxRss <= Math.max(rssBefore + 64 * 1024, 300 * 1024),
            "RSS KiB: " + rssBefore + " before, " + rssSamples + " during the flood");
      } finally {
        flood.stop.set(true);
        flooder.join();
      }
      // Every flood connection still open when it stopped is closed by the master: the ones it
      // accepted after the login grace time, the others at once.
      assertEquals(0, flood.left.get(), flood.left + " flood connections were never closed");
      assertTrue(flood.opened.get() > FLOOD, flood.opened + " connections made");
      String err = Files.readString(tmp.resolve("serve.err"));
      assertTrue(err.contains("dropped a connection from 127.0.0.2"), err);
      assertTrue(
          err.lines().filter(l -> l.contains("dropped a connection")).count() <= 3,
          "a refusal is said at most once a minute: " + err);
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  private void push(Path config, Path disk) {
    MasterCommandIT.Run r =
        MasterCommandIT.pacha(
            "--config",
            config.toString(),
            "watch",
            "--target-root",
            disk.toString(),
            disk.resolve("opt/foo").toString());
    assertEquals(0, r.code(), r.err());
  }

  private Path barConfig(MasterFixture m, Path barKey, int port) throws IOException {
    return Files.writeString(
        tmp.resolve("bar.conf"),
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.hostname = bar",
            "pacha.master.url = sftp://bar@127.0.0.1:" + port + "/",
            "pacha.ssh.identity = " + barKey,
            "pacha.ssh.known_hosts = " + m.knownHosts,
            "pacha.state.dir = " + tmp.resolve("state"),
            ""));
  }

  static int fds(long pid) throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int) s.count();
    }
  }

  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  /**
   * Keeps {@link #FLOOD} connections from 127.0.0.2 open, each having sent an SSH banner and
   * nothing more; a connection the master closes is replaced by a new one until {@link #stop}. Then
   * it waits for the master to close those still open.
   */
  static final class Flood implements Runnable {
    final InetSocketAddress master;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong opened = new AtomicLong();
    final AtomicLong left = new AtomicLong(-1);
    private final java.util.concurrent.CountDownLatch full =
        new java.util.concurrent.CountDownLatch(1);
    private volatile Throwable failure;

    Flood(InetSocketAddress master) {
      this.master = master;
    }

    void awaitFull() throws Exception {
      assertTrue(full.await(5, TimeUnit.MINUTES), "the flood never made " + FLOOD + " connections");
      if (failure != null) {
        throw new AssertionError("the flood failed", failure);
      }
    }

    @Override
    public void run() {
      ByteBuffer sink = ByteBuffer.allocate(1 << 16);
      byte[] banner = "SSH-2.0-flood\r\n".getBytes(StandardCharsets.US_ASCII);
      try (Selector selector = Selector.open()) {
        InetAddress from = InetAddress.getByName("127.0.0.2");
        while (!stop.get()) {
          // Top up to FLOOD open connections, a few at a time, then wait for the master to act.
          for (int i = 0; i < 20 && selector.keys().size() < FLOOD; i++) {
            SocketChannel c = SocketChannel.open();
            c.bind(new InetSocketAddress(from, 0));
            c.connect(master);
            c.write(ByteBuffer.wrap(banner));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            opened.incrementAndGet();
          }
          if (opened.get() >= FLOOD) {
            full.countDown();
          }
          selector.select(50);
          drain(selector, sink);
        }
        // Stopped: what is still open must be closed by the master, within the grace time.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
          selector.select(1000);
          drain(selector, sink);
          selector.selectNow();
        }
        left.set(selector.keys().size());
      } catch (Throwable t) {
        failure = t;
        full.countDown();
      }
    }

    /** Reads what the master sent; a connection it closed is closed here too. */
    private static void drain(Selector selector, ByteBuffer sink) throws IOException {
      for (SelectionKey k : selector.selectedKeys()) {
        SocketChannel c = (SocketChannel) k.channel();
        int n;
        try {
          sink.clear();
          n = c.read(sink);
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          k.cancel();
          c.close();
        }
      }
      selector.selectedKeys().clear();
    }
  }
}
