package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An open regular file: its contents, holes and durability. Made by {@link Dir#openRead} or {@link
 * Dir#create}.
 *
 * <p>For bulk reads and writes, {@link #channel()} is the fast way: a FileChannel on the same open
 * file (through /proc/self/fd/N, no name looked up), with the JDK's own read/write, transferTo and
 * direct buffers. The read/write calls here go through JNA and take direct buffers.
 */
public final class OpenFile extends Handle {
  private final boolean writable;
  private Stat statAtOpen;

  OpenFile(int fd, String path, boolean writable) {
    super(fd, path);
    this.writable = writable;
  }

  /**
   * What fstat said right after {@link Dir#openRead} opened it (null for a created file): the size
   * and mtime of the very inode being read, with no second call.
   */
  public Stat statAtOpen() {
    return statAtOpen;
  }

  void statAtOpen(Stat s) {
    statAtOpen = s;
  }

  /** Whether it was opened for writing ({@link Dir#create}). */
  public boolean writable() {
    return writable;
  }

  /**
   * A FileChannel on this same open file, by reopening /proc/self/fd/N: the kernel's link to the
   * inode, so the name it was opened by plays no part. Reading, and writing too when this file was
   * created for writing. The channel has its own position and must be closed by the caller; closing
   * it leaves this handle open.
   */
  public FileChannel channel() throws IOException {
    check();
    Path proc = Path.of("/proc/self/fd/" + fd);
    return writable
        ? FileChannel.open(proc, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(proc, StandardOpenOption.READ);
  }

  /** read(2) at the current offset into {@code buf}'s remaining space; -1 at the end. */
  public int read(ByteBuffer buf) throws IOException {
    return transfer(buf, -1, false);
  }

  /** pread(2) at {@code position}; -1 at the end. */
  public int read(ByteBuffer buf, long position) throws IOException {
    return transfer(buf, position, false);
  }

  /** write(2) of {@code buf}'s remaining bytes at the current offset; returns how many. */
  public int write(ByteBuffer buf) throws IOException {
    return transfer(buf, -1, true);
  }

  /** pwrite(2) at {@code position}. */
  public int write(ByteBuffer buf, long position) throws IOException {
    return transfer(buf, position, true);
  }

  /** Writes all of {@code buf} at {@code position}, looping over short writes. */
  public void writeFully(ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += write(buf, pos);
    }
  }

  private int transfer(ByteBuffer buf, long position, boolean write) throws IOException {
    check();
    if (!buf.isDirect()) {
      return transferHeap(buf, position, write);
    }
    int len = buf.remaining();
    if (len == 0) {
      return 0;
    }
    long address = Sys.BUFFERS.get().address(buf) + buf.position();
    long n;
    try {
      if (write) {
        n = position < 0 ? LibC.write(fd, address, len) : LibC.pwrite(fd, address, len, position);
      } else {
        n = position < 0 ? LibC.read(fd, address, len) : LibC.pread(fd, address, len, position);
      }
    } catch (LastErrorException e) {
      throw Sys.fail(e, write ? "write" : "read", path);
    }
    if (!write && n == 0) {
      return -1;
    }
    buf.position(buf.position() + (int) n);
    return (int) n;
  }

  private int transferHeap(ByteBuffer heap, long position, boolean write) throws IOException {
    Sys.Buffers b = Sys.BUFFERS.get();
    int len = Math.min(heap.remaining(), 1 << 20);
    if (b.io == null || b.io.capacity() < len) {
      b.io = ByteBuffer.allocateDirect(Math.max(len, 64 * 1024));
    }
    ByteBuffer d = b.io.clear().limit(len);
    if (write) {
      d.put(heap.duplicate().limit(heap.position() + len)).flip();
      int n = transfer(d, position, true);
      heap.position(heap.position() + n);
      return n;
    }
    int n = transfer(d, position, false);
    if (n > 0) {
      heap.put(d.flip());
    }
    return n;
  }

  /**
   * Where its data is: the extents lseek(SEEK_DATA/SEEK_HOLE) finds, in order. A file without holes
   * is one extent; an empty or all-hole file none. A file system that does not track holes reports
   * the whole file as data, which is still right.
   */
  public List<Extent> dataExtents() throws IOException {
    check();
    long size = stat().size();
    List<Extent> out = new ArrayList<>();
    long pos = 0;
    try {
      while (pos < size) {
        long data;
        try {
          data = LibC.lseek(fd, pos, LibC.SEEK_DATA);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == Errno.ENXIO.code()) {
            break; // only a hole from pos to the end
          }
          throw e;
        }
        long hole = LibC.lseek(fd, data, LibC.SEEK_HOLE);
        long end = Math.min(hole, size);
        if (end > data) {
          out.add(new Extent(data, end - data));
        }
        pos = hole;
      }
      LibC.lseek(fd, 0, LibC.SEEK_SET);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "find the data of", path);
    }
    return out;
  }

  /** ftruncate: the file's size; growing it adds a hole. */
  public void truncate(long size) throws IOException {
    check();
    try {
      LibC.ftruncate(fd, size);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "set the size of", path);
    }
  }

  /** fdatasync: its data on disk (and the size), without other metadata. */
  public void fdatasync() throws IOException {
    check();
    try {
      LibC.fdatasync(fd);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "sync", path);
    }
  }

  /**
   * Copies this file's contents into {@code target} (an empty file open for writing) keeping its
   * holes: each data extent is written at its offset, then the size is set, so a 1 GiB file with 1
   * MiB of data takes 1 MiB on disk. In the kernel (copy_file_range, which shares blocks where the
   * file system can), else through a buffer. Returns the bytes of data copied.
   */
  public long copyTo(OpenFile target) throws IOException {
    check();
    target.check();
    long size = stat().size();
    long copied = 0;
    boolean inKernel = true;
    for (Extent x : dataExtents()) {
      long done = 0;
      while (done < x.length()) {
        long n = -1;
        if (inKernel) {
          long[] in = {x.offset() + done};
          long[] out = {x.offset() + done};
          try {
            n = LibC.copy_file_range(fd, in, target.fd, out, x.length() - done, 0);
          } catch (LastErrorException e) {
            Errno errno = Errno.of(e.getErrorCode());
            if (errno != Errno.EXDEV
                && errno != Errno.EINVAL
                && errno != Errno.ENOSYS
                && errno != Errno.EOPNOTSUPP) {
              throw Sys.fail(e, "copy to " + PathBytes.printable(target.path) + " from", path);
            }
            inKernel = false;
          }
        }
        if (!inKernel) {
          n = copyThroughBuffer(target, x.offset() + done, x.length() - done);
        }
        if (n <= 0) {
          break; // the file shrank while we copied
        }
        done += n;
      }
      copied += done;
    }
    target.truncate(size);
    return copied;
  }

  private long copyThroughBuffer(OpenFile target, long offset, long length) throws IOException {
    Sys.Buffers b = Sys.BUFFERS.get();
    if (b.io == null || b.io.capacity() < (1 << 20)) {
      b.io = ByteBuffer.allocateDirect(1 << 20);
    }
    ByteBuffer d = b.io.clear().limit((int) Math.min(length, 1 << 20));
    int n = read(d, offset);
    if (n <= 0) {
      return n;
    }
    d.flip();
    target.writeFully(d, offset);
    return n;
  }
}
