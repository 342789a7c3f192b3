package dev.pacha.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way people write them: 90 (seconds), 90s, 45m, 2h, 1h30m. */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(h|m|s)");

  @Override
  public Duration convert(String value) {
    String v = value.strip();
    if (v.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    if (!v.matches("(\\d{1,9}(h|m|s))+")) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; write e.g. 90, 90s, 45m, 2h or 1h30m");
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(v);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
    }
    return d;
  }
}
