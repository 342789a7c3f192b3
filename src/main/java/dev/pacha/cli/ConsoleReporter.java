package dev.pacha.cli;

import dev.pacha.Reporter;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Renders core events for a person: steps on stdout, warnings on stderr, scp-like transfer lines on
 * a terminal. Quiet mode keeps warnings only (for --quiet and --json).
 */
final class ConsoleReporter implements Reporter {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean quiet;
  private final boolean progress;
  private final boolean verbose;

  /** The reporter of a command: on its context's streams, verbose with -v. */
  static ConsoleReporter of(CommandSpec spec, boolean quiet) {
    return of(spec, Cli.context(spec), quiet);
  }

  /** As {@link #of(CommandSpec, boolean)}, on other streams (progress on stderr under --json). */
  static ConsoleReporter of(CommandSpec spec, Cli.Context shown, boolean quiet) {
    return new ConsoleReporter(shown, quiet, Cli.root(spec).global.verbose);
  }

  private ConsoleReporter(Cli.Context ctx, boolean quiet, boolean verbose) {
    this.out = ctx.out();
    this.err = ctx.err();
    this.quiet = quiet;
    this.progress = ctx.terminal() && !quiet;
    this.verbose = verbose && !quiet;
  }

  @Override
  public void step(String message) {
    if (!quiet) {
      out.println(message);
      out.flush();
    }
  }

  @Override
  public void warn(String message) {
    err.println("pacha: warning: " + message);
    err.flush();
  }

  @Override
  public void detail(String message) {
    if (verbose) {
      out.println("  " + message);
    }
  }

  @Override
  public void transfer(String name, long done, long total, long nanos) {
    if (!progress || done < total) {
      return;
    }
    out.println(progressLine(name, done, total, nanos));
    out.flush();
  }

  /** One line like scp's: name, percent, size, rate, elapsed time. */
  static String progressLine(String name, long done, long total, long nanos) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    if (base.length() > 48) {
      base = base.substring(0, 45) + "...";
    }
    int percent = total == 0 ? 100 : (int) (done * 100 / total);
    double seconds = Math.max(nanos / 1e9, 1e-3);
    long secs = (long) (nanos / 1e9);
    return String.format(
        Locale.ROOT,
        "%-48s %3d%% %6s %9s/s   %02d:%02d",
        base,
        percent,
        size(done),
        size((long) (done / seconds)),
        secs / 60,
        secs % 60);
  }

  /** A size for a sentence: "13 bytes", "18.2 KB", "5.0 MB". */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    String s = size(bytes);
    return s.substring(0, s.length() - 2) + " " + s.substring(s.length() - 2);
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return Long.toString(bytes);
    }
    double v = bytes;
    String[] units = {"KB", "MB", "GB", "TB"};
    int i = -1;
    do {
      v /= 1024;
      i++;
    } while (v >= 1024 && i < units.length - 1);
    // One decimal under 10, none from 10, half up: what "%.1f" and "%.0f" print, without
    // java.util.Formatter, which cost a cold `pacha push` 30 ms for its one line.
    if (v < 10) {
      long tenths = Math.round(v * 10);
      return tenths / 10 + "." + tenths % 10 + units[i];
    }
    return Math.round(v) + units[i];
  }
}
