package dev.pacha.master;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * The master's files belong to the master's user. The operator often runs {@code pacha host add}
 * and the other master commands as root, while the packaged master runs as {@code pacha-master}:
 * what root makes in the master's directories is given to that directory's owner, as {@code install
 * -o} would, or the master could not read the key it was just told about.
 */
final class Owners {
  private Owners() {}

  /**
   * Gives {@code p} the owner and group of its directory when they differ. Only root can; anyone
   * else keeps what they made (their own directory, or one they share by group).
   */
  static void likeParent(Path p) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (parent == null) {
      return;
    }
    PosixFileAttributes dir;
    PosixFileAttributes it;
    try {
      dir = Files.readAttributes(parent, PosixFileAttributes.class);
      it = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return;
    }
    if (dir.owner().equals(it.owner()) && dir.group().equals(it.group())) {
      return;
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    try {
      view.setOwner(dir.owner());
      view.setGroup(dir.group());
    } catch (FileSystemException e) {
      // Not root: nothing to hand over.
    }
  }
}
