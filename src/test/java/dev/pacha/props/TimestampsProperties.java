package dev.pacha.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pacha.track.Entry;
import dev.pacha.track.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The fast mtime text and mode digits are exactly what java.time and String.format give: manifests
 * written before and after them compare equal, so an unchanged tree is still "nothing changed".
 */
class TimestampsProperties {

  @Provide
  Arbitrary<Integer> nanos() {
    // Whole seconds, milli-, micro- and nanosecond precision: each has its own text form.
    return Arbitraries.oneOf(
        Arbitraries.just(0),
        Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(n -> n * 1000),
        Arbitraries.integers().between(0, 999_999_999));
  }

  @Property(tries = 3000)
  void format_anyInstant_sameAsInstantToString(
      @ForAll @LongRange(min = -100_000_000_000L, max = 400_000_000_000L) long seconds,
      @ForAll("nanos") int nanos) {
    assertEquals(
        Instant.ofEpochSecond(seconds, nanos).toString(), Timestamps.format(seconds, nanos));
  }

  @Property(tries = 3000)
  void parse_formattedInstant_roundTrips(
      @ForAll @LongRange(min = -100_000_000_000L, max = 400_000_000_000L) long seconds,
      @ForAll("nanos") int nanos) {
    Instant i = Instant.ofEpochSecond(seconds, nanos);
    assertEquals(i, Timestamps.parse(i.toString()));
  }

  @Property(tries = 2000)
  void parse_anyText_sameResultAsInstantParse(@ForAll("instantLike") String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      assertThrows(DateTimeParseException.class, () -> Timestamps.parse(text), text);
      return;
    }
    assertEquals(expected, Timestamps.parse(text), text);
  }

  /** Texts near the canonical form: impossible dates, wrong separators, odd fractions. */
  @Provide
  Arbitrary<String> instantLike() {
    Arbitrary<String> year = Arbitraries.integers().between(1960, 2400).map(y -> "" + y);
    Arbitrary<String> two =
        Arbitraries.integers().between(0, 62).map(v -> String.format("%02d", v));
    Arbitrary<String> fraction =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(10).map(f -> "." + f),
            Arbitraries.of(".", ".12a"));
    Arbitrary<String> sep = Arbitraries.of("-", "-", "-", "/", "");
    return net.jqwik.api.Combinators.combine(year, sep, two, two, two, two, two, fraction)
        .as(
            (y, s, mo, d, h, mi, se, f) ->
                y + s + mo + "-" + d + "T" + h + ":" + mi + ":" + se + f + "Z");
  }

  @Example
  void parse_leapDay_onlyInLeapYears() {
    assertEquals(Instant.parse("2024-02-29T00:00:00Z"), Timestamps.parse("2024-02-29T00:00:00Z"));
    assertThrows(DateTimeParseException.class, () -> Timestamps.parse("2023-02-29T00:00:00Z"));
    assertThrows(DateTimeParseException.class, () -> Timestamps.parse("2100-02-29T00:00:00Z"));
  }

  @Property
  void modeString_anyBits_sameAsFormat(@ForAll @IntRange(min = 0, max = 0xFFFF) int bits) {
    assertEquals(String.format("%04o", bits & 07777), Entry.modeString(bits));
  }
}
