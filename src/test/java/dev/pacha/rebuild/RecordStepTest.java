package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pacha.store.Manifest;
import dev.pacha.track.LastPush;
import dev.pacha.track.StateDir;
import dev.pacha.track.TrackedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStepTest {
  @TempDir Path tmp;

  @Test
  void record_rebuiltSnapshot_tracksItsRootsAsTheHostAndItIsTheLastPush() throws Exception {
    RebuildFixture f = new RebuildFixture(tmp);
    Path copy = tmp.resolve("manifest.json");
    Plan plan = f.plan(f.full(), copy);
    StateDir state = new StateDir(tmp.resolve("state"));

    RecordStep.Recorded r = new RecordStep(state).record("bar", f.target, plan.manifest(), copy);

    TrackedState expected = new TrackedState("bar", f.target.toString(), f.roots());
    assertEquals(expected, r.tracked());
    assertEquals(expected, state.tracked());
    Manifest m = plan.manifest();
    LastPush last = new LastPush(m.id(), LastPush.fingerprint("bar", m.roots(), m.entries()));
    assertEquals(last, r.lastPush());
    assertEquals(Optional.of(last), LastPush.parse(Files.readString(state.lastPushFingerprint())));
    assertArrayEquals(Files.readAllBytes(copy), Files.readAllBytes(state.lastPush()));
  }
}
