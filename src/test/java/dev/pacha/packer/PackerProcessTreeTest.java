package dev.pacha.packer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Reading a process's session from /proc/PID/stat. */
class PackerProcessTreeTest {

  @Test
  void sessionOf_commandWithSpacesAndParens_readsTheFieldAfterTheLastParen() {
    assertEquals(
        OptionalLong.of(5088),
        ProcessTree.sessionOf("5184 (sleep (x) 1) S 5183 5088 5088 0 -1 4194304 85 0 0 0"));
  }

  @Test
  void sessionOf_garbage_isEmpty() {
    assertEquals(OptionalLong.empty(), ProcessTree.sessionOf("no parens here"));
    assertEquals(OptionalLong.empty(), ProcessTree.sessionOf("1 (x) S 2"));
    assertEquals(OptionalLong.empty(), ProcessTree.sessionOf("1 (x) S 2 3 four"));
  }

  @Test
  void session_thisProcessAndANonexistentOne_someIdAndNone() {
    // Our own session is some id; a pid that cannot exist has none.
    OptionalLong own = ProcessTree.session(ProcessHandle.current().pid());
    assertTrue(own.isPresent() && own.getAsLong() >= 0, own.toString());
    assertEquals(OptionalLong.empty(), ProcessTree.session(Long.MAX_VALUE));
  }
}
