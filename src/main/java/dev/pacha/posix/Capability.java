package dev.pacha.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Linux capabilities that decide what a push can read and a rebuild can restore, and whether
 * this process has them (its effective set, from /proc/self/status: root without a bounding set, a
 * systemd unit with CapabilityBoundingSet=, or an ordinary user).
 */
public enum Capability {
  /** Change any file's owner and group. */
  CHOWN(0),
  /** Read and write any file whatever its mode. */
  DAC_OVERRIDE(1),
  /** Set any file's mode and times, and set setgid without being in the group. */
  FOWNER(3),
  /** Keep setuid/setgid when writing and chowning. */
  FSETID(4),
  /** Read and set trusted.* extended attributes (listxattr leaves them out without it). */
  SYS_ADMIN(21),
  /** Make character and block devices. */
  MKNOD(27),
  /** Set security.capability (file capabilities). */
  SETFCAP(31);

  private final int bit;

  Capability(int bit) {
    this.bit = bit;
  }

  /** Whether this process has it now. False when /proc cannot be read. */
  public boolean held() {
    return (effective() & (1L << bit)) != 0;
  }

  private static long effective() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).strip(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc: say no, the calls themselves will tell
    }
    return 0;
  }
}
