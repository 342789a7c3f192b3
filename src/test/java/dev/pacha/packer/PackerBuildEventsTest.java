package dev.pacha.packer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assembling packer's events into artifacts and errors, and what a result means. */
class PackerBuildEventsTest {

  private static BuildEvents feed(String... lines) {
    BuildEvents events = new BuildEvents();
    for (String l : lines) {
      events.accept(MachineReadable.parse(l));
    }
    return events;
  }

  @Test
  void artifacts_twoBuildsWithFilesAndNil_areAssembledInOrderOfCompletion() {
    BuildEvents e =
        feed(
            "1,qemu.debian,artifact-count,1",
            "1,qemu.debian,artifact,0,builder-id,transcend.qemu",
            "1,qemu.debian,artifact,0,id,VM",
            "1,qemu.debian,artifact,0,string,VM files in directory: out",
            "1,qemu.debian,artifact,0,files-count,2",
            "1,qemu.debian,artifact,0,file,0,out/pacha-base.qcow2",
            "1,qemu.debian,artifact,0,file,1,out/with%!(PACKER_COMMA)comma",
            "1,qemu.debian,artifact,0,end",
            "1,amazon-ebs.debian,artifact,0,builder-id,mitchellh.amazonebs",
            "1,amazon-ebs.debian,artifact,0,id,us-east-1:ami-0abc",
            "1,amazon-ebs.debian,artifact,0,end",
            "1,null.x,artifact,0,nil",
            "1,null.x,artifact,0,end");
    assertEquals(
        List.of(
            new Artifact(
                "qemu.debian",
                "transcend.qemu",
                "VM",
                "VM files in directory: out",
                List.of("out/pacha-base.qcow2", "out/with,comma")),
            new Artifact(
                "amazon-ebs.debian", "mitchellh.amazonebs", "us-east-1:ami-0abc", "", List.of())),
        e.artifacts());
  }

  @Test
  void buildErrorsAndUiErrors_areKeptApart() {
    BuildEvents e =
        feed(
            "1,,ui,error,==> null.x: failing",
            "1,,error-count,1",
            "1,null.x,error,Script exited with non-zero exit status: 3");
    assertEquals(
        List.of(new ImageResult.Failure("null.x", "Script exited with non-zero exit status: 3")),
        e.buildErrors());
    assertEquals(List.of("==> null.x: failing"), e.uiErrors());
    assertFalse(e.interrupted());
  }

  @Test
  void interrupted_packerSaysItWasCancelled_isTrue() {
    assertTrue(feed("1,,ui,error,Cancelling build after receiving interrupt").interrupted());
    assertTrue(feed("1,,ui,say,Cleanly cancelled builds after being interrupted.").interrupted());
  }

  @Test
  void regionIds_amiIdsOfTwoRegions_mapRegionToImage() {
    Artifact a =
        new Artifact("b", "mitchellh.amazonebs", "us-east-1:ami-1,eu-west-1:ami-2", "", List.of());
    assertEquals(Map.of("us-east-1", "ami-1", "eu-west-1", "ami-2"), a.regionIds());
    assertEquals(Map.of(), new Artifact("b", "packer.file", "File", "", List.of()).regionIds());
  }

  private static ImageResult result(String outcome, List<ImageResult.Failure> errors) {
    return new ImageResult("bake", "packer", outcome, 1, 10, List.of(), errors);
  }

  @Test
  void requireOk_eachOutcome_throwsTheKindThatDecidesTheExitCode() {
    result(ImageResult.OK, List.of()).requireOk();
    assertEquals(
        PachaException.Kind.USAGE,
        assertThrows(PachaException.class, () -> result(ImageResult.INVALID, List.of()).requireOk())
            .kind());
    assertEquals(
        PachaException.Kind.FAILED,
        assertThrows(PachaException.class, () -> result(ImageResult.FAILED, List.of()).requireOk())
            .kind());
    assertEquals(
        PachaException.Kind.FAILED,
        assertThrows(
                PachaException.class, () -> result(ImageResult.TIMED_OUT, List.of()).requireOk())
            .kind());
    assertEquals(
        PachaException.Kind.CANCELLED,
        assertThrows(
                PachaException.class, () -> result(ImageResult.CANCELLED, List.of()).requireOk())
            .kind());
  }

  @Test
  void requireOk_multiLineTemplateError_isOneLineNamingTheProblem() {
    PachaException e =
        assertThrows(
            PachaException.class,
            () ->
                result(
                        ImageResult.INVALID,
                        List.of(
                            new ImageResult.Failure(
                                "",
                                "Error: Unsupported argument\n\n  on bad.pkr.hcl line 3:\n"
                                    + "  (source code not available)\n\n"
                                    + "An argument named \"bogus\" is not expected here.\n\n"),
                            new ImageResult.Failure("", "Error: another")))
                    .requireOk());
    assertEquals(
        "the template packer does not validate: Error: Unsupported argument on bad.pkr.hcl line 3:"
            + " An argument named \"bogus\" is not expected here. (and 1 more); fix it and retry",
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void requireOk_failedBuild_namesTheBuildAndItsError() {
    PachaException e =
        assertThrows(
            PachaException.class,
            () ->
                result(ImageResult.FAILED, List.of(new ImageResult.Failure("null.x", "exit 3")))
                    .requireOk());
    assertEquals("packer build failed: null.x: exit 3", e.getMessage());
  }
}
