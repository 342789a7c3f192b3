package dev.pacha.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HookOrderTest {
  @Test
  void ordered_mixedNames_byteOrderWithoutDotFiles() {
    assertEquals(
        List.of("10", "9", "B", "_x", "a", "b", "é", "\uD83D\uDE00"),
        HookOrder.ordered(List.of("b", "\uD83D\uDE00", "B", "a", "_x", "10", ".swp", "9", "é")));
  }

  @Test
  void byName_supplementaryCharacter_comparesAsUtf8NotUtf16() {
    // U+FF5E sorts after U+1F600 in UTF-16 code units, before it in UTF-8 bytes.
    assertTrue(HookOrder.BY_NAME.compare("\uFF5E", "\uD83D\uDE00") < 0);
    assertTrue("\uFF5E".compareTo("\uD83D\uDE00") > 0, "String order differs");
  }

  @Test
  void runs_dotFile_never() {
    assertFalse(HookOrder.runs(".10-users.swp"));
    assertTrue(HookOrder.runs("10-users"));
  }
}
