package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.hooks.HookOrder;
import dev.pacha.hooks.HookPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A host's hook scripts on the master: {@code pacha_pre/} and {@code pacha_post/}, placed by the
 * operator (the seed's spellings {@code pre_pacha/} and {@code post_pacha/} are read too). Which
 * scripts run and in what order is {@link HookOrder}'s.
 */
public final class HookStore {
  /** Hook directories: the seed's spelling first, then the other spelling it also uses. */
  public static final List<String> PRE_DIRS = List.of("pacha_pre", "pre_pacha");

  public static final List<String> POST_DIRS = List.of("pacha_post", "post_pacha");

  private final HostStore store;

  HookStore(HostStore store) {
    this.store = store;
  }

  /** A phase's directories, the one written first. */
  public static List<String> dirs(HookPhase phase) {
    return phase == HookPhase.PRE ? PRE_DIRS : POST_DIRS;
  }

  /**
   * The phase's hooks that run, in the order they run: each name with its path under the host. A
   * name in both spellings of the directory is taken from the first.
   */
  public Map<String, String> list(HookPhase phase) {
    Map<String, String> found = new LinkedHashMap<>();
    for (String dir : dirs(phase)) {
      for (String name : listDir(dir)) {
        found.putIfAbsent(name, dir + "/" + name);
      }
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    for (String name : HookOrder.ordered(found.keySet())) {
      ordered.put(name, found.get(name));
    }
    return ordered;
  }

  private List<String> listDir(String dir) {
    return store.io("list hooks of " + store.host(), () -> store.backend().list(store.path(dir)));
  }

  /** Reads one hook script, by its path under the host ({@link #list}). */
  public byte[] read(String relPath) {
    return store.io(
        "read hook " + relPath + " of " + store.host(),
        () -> store.backend().readAll(store.path(relPath)));
  }

  /**
   * What replacing one phase's hooks did.
   *
   * @param dir where the hooks now are ("pacha_pre")
   * @param uploaded hook names uploaded, in the order they run
   * @param removed hooks of the previous set that are gone, as paths under the host
   * @param skipped local entries not uploaded, with the reason
   */
  public record HookUpload(
      String dir, List<String> uploaded, List<String> removed, List<String> skipped) {}

  /**
   * Replaces the hooks of one phase with the regular files in {@code source}: each goes up to the
   * phase's first directory (atomically, through the backend), then every other hook of the phase,
   * in either spelling of its directory, is removed. Dot-files (never run) and subdirectories are
   * not uploaded.
   */
  public HookUpload replace(HookPhase phase, Path source, Reporter reporter) {
    List<Path> files = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (Stream<Path> s = Files.list(source)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (!HookOrder.runs(name)) {
          skipped.add(p + ": a dot-file, never run as a hook");
        } else if (!Files.isRegularFile(p)) {
          skipped.add(p + ": not a regular file");
        } else {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot read the hook directory " + source + ": " + e, e);
    }
    // Upload and report them in the order they run.
    files.sort(Comparator.comparing(p -> p.getFileName().toString(), HookOrder.BY_NAME));
    List<String> dirs = dirs(phase);
    String dir = dirs.get(0);
    String host = store.host();
    List<String> uploaded = new ArrayList<>();
    store.step("create " + store.path(dir), () -> store.backend().mkdirs(store.path(dir)));
    for (Path f : files) {
      String name = f.getFileName().toString();
      reporter.detail("Uploading hook " + dir + "/" + name);
      byte[] content;
      try {
        content = Files.readAllBytes(f);
      } catch (IOException e) {
        throw PachaException.failed("cannot read hook " + f + ": " + e.getMessage(), e);
      }
      store.step(
          "upload hook " + dir + "/" + name + " of " + host,
          () -> store.backend().put(store.path(dir + "/" + name), content));
      uploaded.add(name);
    }
    List<String> removed = new ArrayList<>();
    for (String d : dirs) {
      for (String name : listDir(d)) {
        if (d.equals(dir) && uploaded.contains(name)) {
          continue;
        }
        store.step(
            "remove hook " + d + "/" + name + " of " + host,
            () -> store.backend().delete(store.path(d + "/" + name)));
        removed.add(d + "/" + name);
      }
    }
    return new HookUpload(dir, uploaded, removed, skipped);
  }
}
