package dev.pacha.transport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A store on this machine's disk ({@code file:///path}): a master's own hosts path. */
public final class LocalBackend implements Backend {
  private final Path root;

  public LocalBackend(Path root) {
    this.root = root;
  }

  @Override
  public String describe() {
    return "file://" + root;
  }

  private Path resolve(String path) {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("path escapes the store: " + path);
    }
    return p;
  }

  @Override
  public List<String> list(String dir) throws IOException {
    Path d = resolve(dir);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
      for (Path p : s) {
        names.add(p.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public InputStream read(String path, long offset) throws IOException {
    FileChannel ch = FileChannel.open(resolve(path), StandardOpenOption.READ);
    if (offset > 0) {
      ch.position(offset);
    }
    return Channels.newInputStream(ch);
  }

  @Override
  public Upload upload(String path) throws IOException {
    Path target = resolve(path);
    Files.createDirectories(target.getParent());
    Path tmp =
        target.resolveSibling(
            "."
                + target.getFileName()
                + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
    return new Upload() {
      private boolean done;

      @Override
      public OutputStream stream() {
        return out;
      }

      @Override
      public void commit() throws IOException {
        out.flush();
        ch.force(true);
        out.close();
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        done = true;
        syncDir(target.getParent());
      }

      @Override
      public void close() throws IOException {
        if (!done) {
          out.close();
          Files.deleteIfExists(tmp);
        }
      }
    };
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    Files.createDirectories(resolve(dir));
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(resolve(path));
  }

  @Override
  public void close() {}

  /** fsync a directory so a rename in it survives a crash. */
  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      // Some file systems refuse fsync on a directory; the rename itself has happened.
    }
  }
}
