package dev.pacha.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the last lines a program writes on stderr, read by a thread of its own so the program never
 * blocks on a full pipe.
 */
final class StderrTail {
  private static final int KEEP = 60;
  private static final int MAX_LINE = 2000;

  private final Deque<String> lines = new ArrayDeque<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  private StderrTail() {}

  static StderrTail start(InputStream stderr, String name) {
    StderrTail tail = new StderrTail();
    Thread t = new Thread(() -> tail.pump(stderr), name);
    t.setDaemon(true);
    t.start();
    return tail;
  }

  private void pump(InputStream stderr) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        synchronized (lines) {
          lines.addLast(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) : l);
          if (lines.size() > KEEP) {
            lines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The pipe closed under us: what was read is all there is.
    } finally {
      ended.countDown();
    }
  }

  /**
   * The lines so far, after waiting up to {@code millis} for the end of the stream (a background
   * ControlMaster that ssh started may hold stderr open long after ssh itself exited).
   */
  List<String> lines(long millis) {
    try {
      ended.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }
}
