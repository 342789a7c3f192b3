package dev.pacha.packer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Build names from `packer inspect` (1.6.6's text), and --only globs. */
class PackerBuildNamesTest {

  @Test
  void parse_namedBuild_prefixesEachSourceWithTheBuildName() {
    String inspect =
        MachineReadable.unescape(
            "> builds:\\n\\n  > driver:\\n\\n    sources:\\n\\n      null.test\\n\\n"
                + "      file.test\\n\\n    provisioners:\\n\\n      shell-local\\n"
                + "      shell-local\\n\\n    post-processors:\\n\\n      <no post-processor>\\n");
    assertEquals(List.of("driver.null.test", "driver.file.test"), BuildNames.parse(inspect));
  }

  @Test
  void parse_unnamedBuild_givesTheSourceNames() {
    String inspect =
        "Packer Inspect: HCL2 mode\n\n> builds:\n\n  > <unnamed build 0>:\n\n    sources:\n\n"
            + "      null.x\n\n    provisioners:\n\n      <no provisioner>\n";
    assertEquals(List.of("null.x"), BuildNames.parse(inspect));
  }

  @Test
  void parse_textOfAnotherShape_isEmpty() {
    assertEquals(List.of(), BuildNames.parse("Packer Inspect: JSON mode\nsomething else\n"));
  }

  @Test
  void matches_globsAndExactNames_asPackerMatchesThem() {
    assertTrue(BuildNames.matches("pacha-base.qemu.debian", "pacha-base.qemu.debian"));
    assertTrue(BuildNames.matches("*.qemu.debian", "pacha-base.qemu.debian"));
    assertTrue(BuildNames.matches("*", "pacha-base.qemu.debian"));
    assertTrue(BuildNames.matches("pacha-base.qemu.debia?", "pacha-base.qemu.debian"));
    assertFalse(BuildNames.matches("qemu.debian", "pacha-base.qemu.debian"));
    assertFalse(BuildNames.matches("pacha-base.qemu", "pacha-base.qemu.debian"));
    assertFalse(BuildNames.matches("a.b", "aXb"));
  }
}
