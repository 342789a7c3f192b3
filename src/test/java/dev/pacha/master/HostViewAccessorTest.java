package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostViewAccessorTest {

  @ParameterizedTest
  @CsvSource({
    "/bar/latest, bar/latest",
    "bar/latest, bar/latest",
    "//bar///./latest/, bar/latest",
    "/../../foo, foo",
    "bar/../../foo/secret, foo/secret",
    "bar/pacha_pre/.., bar",
    "., ''",
    "/, ''",
    "'', ''",
    "../.., ''"
  })
  void names_anyClientPath_resolvesDotsWithoutClimbingAboveRoot(String path, String expected) {
    List<String> names = HostViewAccessor.names(path);
    assertEquals(expected, String.join("/", names));
  }
}
