package dev.pacha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** --timeout and --grace values. */
class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void convert_usualSpellings_giveTheirDurations() {
    assertEquals(Duration.ofSeconds(90), converter.convert("90"));
    assertEquals(Duration.ofSeconds(90), converter.convert("90s"));
    assertEquals(Duration.ofMinutes(45), converter.convert("45m"));
    assertEquals(Duration.ofHours(2), converter.convert("2h"));
    assertEquals(Duration.ofMinutes(90), converter.convert("1h30m"));
    assertEquals(Duration.ofSeconds(3725), converter.convert("1h2m5s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "1.5h", "-5", "5 m", "5d", "1h-2m", "9999999999"})
  void convert_notADuration_failsSayingHowToWriteOne(String value) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert(value));
    assertEquals(
        "'" + value + "' is not a duration; write e.g. 90, 90s, 45m, 2h or 1h30m", e.getMessage());
  }
}
