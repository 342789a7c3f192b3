package dev.pacha.packer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Packer's -machine-readable lines, as packer 1.6.6 writes them, into typed events. */
class PackerMachineReadableTest {

  @Test
  void parse_uiSayWithEscapedComma_givesTextWithComma() {
    PackerEvent e =
        MachineReadable.parse(
            "1700000000,,ui,say,==> null.x: Provisioning step had errors: Running the cleanup"
                + " provisioner%!(PACKER_COMMA) if present...");
    PackerEvent.Ui ui = assertInstanceOf(PackerEvent.Ui.class, e);
    assertEquals(1700000000L, ui.time());
    assertEquals("", ui.target());
    assertEquals(PackerEvent.Ui.Level.SAY, ui.level());
    assertEquals(
        "==> null.x: Provisioning step had errors: Running the cleanup provisioner, if present...",
        ui.text());
  }

  @Test
  void parse_uiErrorWithEscapedNewlines_givesMultiLineText() {
    PackerEvent e =
        MachineReadable.parse(
            "1700000000,,ui,error,Error: Unsupported argument\\n\\n  on bad.pkr.hcl line 3:\\n"
                + "An argument named \"bogus\" is not expected here.\\r\\n");
    PackerEvent.Ui ui = assertInstanceOf(PackerEvent.Ui.class, e);
    assertEquals(PackerEvent.Ui.Level.ERROR, ui.level());
    assertEquals(
        "Error: Unsupported argument\n\n  on bad.pkr.hcl line 3:\n"
            + "An argument named \"bogus\" is not expected here.\r\n",
        ui.text());
  }

  @Test
  void parse_uiMessageOfABuild_keepsIndentAndLevel() {
    PackerEvent.Ui ui =
        assertInstanceOf(
            PackerEvent.Ui.class,
            MachineReadable.parse("1700000000,,ui,message,    driver.null.test: hello"));
    assertEquals(PackerEvent.Ui.Level.MESSAGE, ui.level());
    assertEquals("    driver.null.test: hello", ui.text());
  }

  @Test
  void parse_uiWithEmptyText_givesEmptyText() {
    PackerEvent.Ui ui =
        assertInstanceOf(PackerEvent.Ui.class, MachineReadable.parse("1700000000,,ui,say,"));
    assertEquals("", ui.text());
  }

  @Test
  void parse_uiWithUnescapedComma_keepsEveryWord() {
    PackerEvent.Ui ui =
        assertInstanceOf(PackerEvent.Ui.class, MachineReadable.parse("1,,ui,say,a,b,c"));
    assertEquals("a,b,c", ui.text());
  }

  @Test
  void parse_artifactFields_giveIndexKeyAndValues() {
    PackerEvent.ArtifactField id =
        assertInstanceOf(
            PackerEvent.ArtifactField.class,
            MachineReadable.parse(
                "1700000000,pacha-base.amazon-ebs.debian,artifact,0,id,"
                    + "us-east-1:ami-0abc%!(PACKER_COMMA)eu-west-1:ami-0def"));
    assertEquals("pacha-base.amazon-ebs.debian", id.target());
    assertEquals(0, id.index());
    assertEquals("id", id.key());
    assertEquals(List.of("us-east-1:ami-0abc,eu-west-1:ami-0def"), id.values());

    PackerEvent.ArtifactField file =
        assertInstanceOf(
            PackerEvent.ArtifactField.class,
            MachineReadable.parse("1,qemu.debian,artifact,1,file,0,output/pacha-base.qcow2"));
    assertEquals(1, file.index());
    assertEquals(List.of("0", "output/pacha-base.qcow2"), file.values());

    PackerEvent.ArtifactField end =
        assertInstanceOf(
            PackerEvent.ArtifactField.class, MachineReadable.parse("1,qemu.debian,artifact,1,end"));
    assertEquals(List.of(), end.values());
  }

  @Test
  void parse_artifactCountAndErrors_giveTypedEvents() {
    assertEquals(
        new PackerEvent.ArtifactCount(5, "file.f", 2),
        MachineReadable.parse("5,file.f,artifact-count,2"));
    assertEquals(new PackerEvent.ErrorCount(5, "", 1), MachineReadable.parse("5,,error-count,1"));
    assertEquals(
        new PackerEvent.BuildError(
            5, "null.x", "Script exited with non-zero exit status: 3, see above"),
        MachineReadable.parse(
            "5,null.x,error,Script exited with non-zero exit status: 3%!(PACKER_COMMA) see above"));
  }

  @Test
  void parse_unknownType_givesOtherWithUnescapedData() {
    PackerEvent.Other o =
        assertInstanceOf(
            PackerEvent.Other.class, MachineReadable.parse("5,,version,1.6.6%!(PACKER_COMMA)x"));
    assertEquals("version", o.type());
    assertEquals(List.of("1.6.6,x"), o.data());
  }

  @Test
  void parse_knownTypeWithBadData_givesOtherNotAnException() {
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,,ui,shout,hello"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,,ui,say"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,x,artifact,first,id,1"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,x,artifact,0"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,x,artifact-count,many"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,,error-count,"));
    assertInstanceOf(PackerEvent.Other.class, MachineReadable.parse("5,x,error"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "panic: runtime error: index out of range",
        "==> null.x: not machine-readable",
        "1700000000,,",
        "1700000000",
        "1700000000,ui",
        "abc,,ui,say,hello",
        "-5,,ui,say,hello",
        ",,ui,say,hello",
        "99999999999999999999,,ui,say,hello",
      })
  void parse_malformedLine_givesUnparsedWithTheLine(String line) {
    PackerEvent.Unparsed u =
        assertInstanceOf(PackerEvent.Unparsed.class, MachineReadable.parse(line));
    assertEquals(line, u.line());
    assertEquals("", u.target());
  }

  @Test
  void unescape_plainText_isUnchanged() {
    assertEquals("50% done", MachineReadable.unescape("50% done"));
    assertEquals("C:\\path", MachineReadable.unescape("C:\\path"));
  }
}
