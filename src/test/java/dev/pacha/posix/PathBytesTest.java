package dev.pacha.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.track.HostPaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Byte-exact names: every byte string survives the trip through a String, in any order. */
class PathBytesTest {

  /** Any bytes, weighted towards what breaks codecs: high bytes, '/', partial UTF-8. */
  @Provide
  Arbitrary<byte[]> names() {
    Arbitrary<Byte> interesting =
        Arbitraries.of(
            (byte) '/',
            (byte) 'a',
            (byte) 0x80,
            (byte) 0xBF,
            (byte) 0xC3,
            (byte) 0xA9,
            (byte) 0xE9,
            (byte) 0xED,
            (byte) 0xA0,
            (byte) 0xF0,
            (byte) 0x90,
            (byte) 0xF4,
            (byte) 0xFF,
            (byte) 0xC0,
            (byte) 0xE0);
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, any), net.jqwik.api.Tuple.of(1, interesting))
        .array(byte[].class)
        .ofMaxSize(40);
  }

  @Property(tries = 5000)
  void decode_anyBytes_encodesBackToTheSameBytes(@ForAll("names") byte[] bytes) {
    assertArrayEquals(bytes, PathBytes.encode(PathBytes.decode(bytes)));
  }

  @Property(tries = 3000)
  void decode_validUtf8_isTheUtf8TextAndIsUtf8(@ForAll String text) {
    // Any Java string without lone surrogates is valid UTF-8 once encoded.
    String s = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    assertEquals(s, PathBytes.decode(utf8));
    assertArrayEquals(utf8, PathBytes.encode(s));
    assertTrue(PathBytes.isUtf8(s));
  }

  @Property(tries = 3000)
  void isUtf8_anyBytes_trueExactlyWhenAStrictDecoderAccepts(@ForAll("names") byte[] bytes) {
    boolean strict;
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes)); // REPORT by default: strict
      strict = true;
    } catch (java.nio.charset.CharacterCodingException e) {
      strict = false;
    }
    assertEquals(strict, PathBytes.isUtf8(PathBytes.decode(bytes)));
  }

  @Property(tries = 3000)
  void hex_anyBytes_roundTrips(@ForAll("names") byte[] bytes) {
    String s = PathBytes.decode(bytes);
    String hex = PathBytes.hex(s);
    assertEquals(bytes.length * 2, hex.length());
    assertEquals(s, PathBytes.fromHex(hex));
    assertEquals(s, PathBytes.fromHex(hex.toUpperCase(java.util.Locale.ROOT)));
  }

  @Property(tries = 5000)
  void treeOrder_anyTwoNames_ordersAsTheirBytes(
      @ForAll("names") byte[] a, @ForAll("names") byte[] b) {
    int bytes = Integer.signum(PathBytes.compareTree(a, b));
    int strings =
        Integer.signum(PathBytes.TREE_ORDER.compare(PathBytes.decode(a), PathBytes.decode(b)));
    assertEquals(bytes, strings);
    assertEquals(bytes == 0, Arrays.equals(a, b));
  }

  @Property(tries = 2000)
  void treeOrder_utf8Names_agreesWithHostPaths(
      @ForAll("paths") String a, @ForAll("paths") String b) {
    assertEquals(
        Integer.signum(HostPaths.TREE_ORDER.compare(a, b)),
        Integer.signum(PathBytes.TREE_ORDER.compare(a, b)));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.strings().withChars('/', '-', '.', 'a', 'b', 'Z', '0').ofMaxLength(12);
  }

  @Example
  void treeOrder_directory_comesRightBeforeItsContents() {
    List<String> paths =
        new ArrayList<>(List.of("/a-b", "/a/b", "/a", "/a\u00e9", "/a\udce9", "/a/"));
    paths.sort(PathBytes.TREE_ORDER);
    // 0xE9 (a lone byte) sorts after 0xC3 0xA9 (é in UTF-8)
    assertEquals(List.of("/a", "/a/", "/a/b", "/a-b", "/a\u00e9", "/a\udce9"), paths);
  }

  @Example
  void decode_latin1Byte_becomesAnEscapeAndIsNotUtf8() {
    byte[] cafe = {'c', 'a', 'f', (byte) 0xE9};
    String s = PathBytes.decode(cafe);
    assertEquals("caf\uDCE9", s);
    assertFalse(PathBytes.isUtf8(s));
    assertEquals("636166e9", PathBytes.hex(s));
    assertEquals("caf\\xE9", PathBytes.printable(s));
  }

  @Example
  void decode_encodedSurrogateOrOverlong_isEscapedByteByByte() {
    // ED B2 80 would be U+DC80 in lax UTF-8: decoding it as such would re-encode as one byte.
    assertEquals(
        "\uDCED\uDCB2\uDC80", PathBytes.decode(new byte[] {(byte) 0xED, (byte) 0xB2, (byte) 0x80}));
    assertEquals("\uDCC0\uDCAF", PathBytes.decode(new byte[] {(byte) 0xC0, (byte) 0xAF}));
  }

  @Example
  void encode_loneSurrogateNoByteMakes_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> PathBytes.encode("a\uD800b"));
    assertThrows(IllegalArgumentException.class, () -> PathBytes.encode("a\uDC10"));
  }
}
