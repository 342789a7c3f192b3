package dev.pacha.posix;

import java.io.IOException;

/**
 * A process for {@link NativeLoadingTest}: loads the native layer, says from where, lists a
 * directory's names in hex; or prints the one-line failure, as pacha's error handler would.
 */
public final class NativeProbe {
  private NativeProbe() {}

  public static void main(String[] args) throws IOException {
    try {
      System.out.println("loaded from " + Posix.nativeLibraryDir());
      try (Dir dir = Posix.openDir(args[0])) {
        for (String name : dir.list()) {
          System.out.println("name " + PathBytes.hex(name));
        }
      }
    } catch (NativeUnavailableException e) {
      System.err.println("pacha: " + e.getMessage());
      System.exit(1);
    }
  }
}
