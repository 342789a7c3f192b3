package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A pack's index reads back what was written, and a damaged one fails naming the line. */
class PackIndexTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "0123456789abcdef".repeat(4);

  @Test
  void format_thenParse_sameSlots() {
    Map<String, PackIndex.Slot> slots = new LinkedHashMap<>();
    slots.put(SHA_A, new PackIndex.Slot("p1", 0, 17));
    slots.put(SHA_B, new PackIndex.Slot("p1", 17, 5_000_000_000L));
    assertEquals(slots, PackIndex.parse("p1", PackIndex.format(slots)));
    assertEquals(Map.of(), PackIndex.parse("p1", PackIndex.format(Map.of())));
  }

  @Test
  void emptyLines_areSkipped() {
    String text = PackIndex.HEADER + "\n\n" + SHA_A + " 0 3\n\n";
    assertEquals(
        Map.of(SHA_A, new PackIndex.Slot("p", 0, 3)),
        PackIndex.parse("p", text.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void noHeader_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PackIndex.parse("p", (SHA_A + " 0 3\n").getBytes(StandardCharsets.US_ASCII)));
    assertEquals("index of pack p has no valid header", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PackIndex.parse("p", new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SHA 0",
        "SHA 0 3 4",
        "SHA  0 3",
        "SHA 0 x",
        "SHA x 3",
        "SHA 0 ",
        "SHA",
        "SHAf 0 3",
        "0 3",
        "UPPER 0 3",
        "abc 0 3"
      })
  void damagedLine_isRefusedNamingTheLine(String line) {
    String l = line.replace("SHA", SHA_A).replace("UPPER", SHA_A.toUpperCase());
    String text = PackIndex.HEADER + "\n" + SHA_B + " 0 3\n" + l + "\n";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PackIndex.parse("p", text.getBytes(StandardCharsets.US_ASCII)),
            l);
    assertEquals("index of pack p is damaged at line 3", e.getMessage());
  }
}
