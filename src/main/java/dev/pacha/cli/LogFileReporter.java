package dev.pacha.cli;

import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the push daemon's events to pacha.log.path in the original's Python logging format
 * (pacha.log.format with %(asctime)s, %(levelname)s, %(name)s, %(message)s; pacha.log.datefmt in
 * strftime codes), and passes them on to another reporter.
 */
final class LogFileReporter implements Reporter {
  private static final Map<String, String> LEVELS =
      Map.of(
          "DEBUG",
          "10",
          "INFO",
          "20",
          "WARNING",
          "30",
          "WARN",
          "30",
          "ERROR",
          "40",
          "CRITICAL",
          "50");

  private final Reporter next;
  private final Writer out;
  private final String format;
  private final DateTimeFormatter dates;
  private final int threshold;

  private LogFileReporter(Reporter next, Writer out, PachaConfig.LogSettings log) {
    this.next = next;
    this.out = out;
    this.format = log.format();
    this.dates = DateTimeFormatter.ofPattern(strftime(log.dateFormat()), Locale.ROOT);
    this.threshold = Integer.parseInt(LEVELS.getOrDefault(log.level(), "20"));
  }

  /**
   * A reporter that also logs to the configured file, or {@code next} alone when logging is off.
   */
  static Reporter wrap(Reporter next, PachaConfig.LogSettings log) {
    if (!log.enable()) {
      return next;
    }
    // As in the original, the path may name a directory to log into.
    java.nio.file.Path file =
        Files.isDirectory(log.path()) ? log.path().resolve("pacha.log") : log.path();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Writer w =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new LogFileReporter(next, w, log);
    } catch (IOException e) {
      next.warn(
          "cannot write the log "
              + log.path()
              + " ("
              + e.getMessage()
              + "); logging to the console only");
      return next;
    }
  }

  /** Translates strftime codes to a java.time pattern (the common ones). */
  static String strftime(String f) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '%' && i + 1 < f.length()) {
        char k = f.charAt(++i);
        sb.append(
            switch (k) {
              case 'Y' -> "yyyy";
              case 'y' -> "yy";
              case 'm' -> "MM";
              case 'd' -> "dd";
              case 'H' -> "HH";
              case 'I' -> "hh";
              case 'M' -> "mm";
              case 'S' -> "ss";
              case 'p' -> "a";
              case 'b' -> "MMM";
              case 'B' -> "MMMM";
              case 'a' -> "EEE";
              case 'A' -> "EEEE";
              case 'f' -> "SSSSSS";
              case '%' -> "'%'";
              default -> "'%" + k + "'";
            });
      } else if (Character.isLetter(c) || c == '\'') {
        sb.append('\'').append(c == '\'' ? "''" : String.valueOf(c)).append('\'');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private synchronized void log(String level, String message) {
    if (Integer.parseInt(LEVELS.get(level)) < threshold) {
      return;
    }
    String line =
        format
            .replace("%(asctime)s", LocalDateTime.now().format(dates))
            .replace("%(levelname)s", level)
            .replace("%(name)s", "pacha")
            .replace("%(message)s", message);
    try {
      out.write(line);
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // The console still gets the event.
    }
  }

  @Override
  public void step(String message) {
    log("INFO", message);
    next.step(message);
  }

  @Override
  public void warn(String message) {
    log("WARNING", message);
    next.warn(message);
  }

  @Override
  public void detail(String message) {
    log("DEBUG", message);
    next.detail(message);
  }
}
