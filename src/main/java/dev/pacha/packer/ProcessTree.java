package dev.pacha.packer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Packer and everything it started. Packer runs in a session of its own (setsid), so what its
 * plugins start stays findable after they die and it is reparented: a provisioner's script, a qemu
 * VM. Where there is no /proc, the descendants seen while it ran stand in.
 */
final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private final Process root;
  private final Set<ProcessHandle> seen = new LinkedHashSet<>();
  private boolean hadChildren;

  ProcessTree(Process root) {
    this.root = root;
  }

  /** Records the descendants alive now. */
  void look() {
    root.descendants().forEach(seen::add);
    if (root.children().findAny().isPresent()) {
      hadChildren = true;
    }
  }

  /**
   * Whether packer's real work is over although its process still runs: packer's wrapper process
   * had a child (the real packer), which is gone, and waits only for leftovers that hold its output
   * open.
   */
  boolean onlyWrapperLeft() {
    return root.isAlive() && hadChildren && root.children().findAny().isEmpty();
  }

  /** Everything in packer's session, and every descendant seen, except what has ended. */
  List<ProcessHandle> members() {
    Set<ProcessHandle> all = new LinkedHashSet<>(seen);
    root.descendants().forEach(all::add);
    long sid = root.pid();
    if (Files.isDirectory(PROC)) {
      ProcessHandle.allProcesses()
          .filter(h -> session(h.pid()).orElse(-1) == sid)
          .forEach(all::add);
    }
    all.remove(root.toHandle());
    all.removeIf(h -> !h.isAlive() || h.pid() == ProcessHandle.current().pid());
    return new ArrayList<>(all);
  }

  /** Ends every member and packer itself: TERM, then KILL what is still there after a moment. */
  void sweep() {
    List<ProcessHandle> left = members();
    if (root.isAlive()) {
      left.add(root.toHandle());
    }
    left.forEach(ProcessHandle::destroy);
    awaitExit(left, Duration.ofSeconds(2));
    for (ProcessHandle h : left) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    awaitExit(left, Duration.ofSeconds(5));
  }

  /** The session id of a process, from /proc/PID/stat (after the command's closing paren). */
  static OptionalLong session(long pid) {
    try {
      String stat =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
      return sessionOf(stat);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** "pid (comm) state ppid pgrp session ..." -> session; comm may hold spaces and parens. */
  static OptionalLong sessionOf(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return OptionalLong.empty();
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    if (f.length < 4) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(f[3]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static void awaitExit(List<ProcessHandle> handles, Duration max) {
    long until = System.nanoTime() + max.toNanos();
    for (ProcessHandle h : handles) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        h.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        // Still alive: the caller escalates or gives up.
      }
    }
  }
}
