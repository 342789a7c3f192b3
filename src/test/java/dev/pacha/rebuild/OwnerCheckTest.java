package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.config.MissingOwner;
import dev.pacha.track.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnerCheckTest {
  final List<String> warnings = new ArrayList<>();
  final dev.pacha.Reporter reporter =
      new dev.pacha.Reporter() {
        @Override
        public void step(String message) {}

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "/opt/foo",
              Entry.DIR,
              "0755",
              0,
              0,
              "root",
              "root",
              0,
              "2010-06-01T12:00:00Z",
              null,
              null),
          new Entry(
              "/opt/foo/a",
              Entry.FILE,
              "0644",
              4242,
              4242,
              "pacha-no-such-user",
              "pacha-no-such-group",
              1,
              "2010-06-01T12:00:00Z",
              "ab".repeat(32),
              null));

  @Test
  void check_fail_stopsWithAReportedFailureNamingThem() {
    StepFailure e =
        assertThrows(
            StepFailure.class, () -> OwnerCheck.check(ENTRIES, MissingOwner.FAIL, false, reporter));
    assertEquals(PachaException.Kind.FAILED, e.kind());
    assertTrue(
        e.getMessage()
            .contains("user pacha-no-such-user, group pacha-no-such-group (pacha.rebuild"),
        e.getMessage());
  }

  @Test
  void check_failBeforePreHooks_onlyWarns() {
    OwnerCheck.check(ENTRIES, MissingOwner.FAIL, true, reporter);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("unless a pre-hook creates them"), warnings.toString());
  }

  @Test
  void check_numeric_warnsItUsesTheRecordedIds() {
    OwnerCheck.check(ENTRIES, MissingOwner.NUMERIC, false, reporter);
    assertTrue(warnings.get(0).endsWith("using the recorded numeric ids"), warnings.toString());
  }

  @Test
  void check_everyOwnerExists_saysNothing() {
    OwnerCheck.check(ENTRIES.subList(0, 1), MissingOwner.FAIL, false, reporter);
    assertEquals(List.of(), warnings);
  }
}
