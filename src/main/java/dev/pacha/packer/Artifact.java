package dev.pacha.packer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one build produced.
 *
 * @param build the build that made it ("pacha-base.amazon-ebs.debian")
 * @param builderId which builder ("mitchellh.amazonebs", "transcend.qemu", "packer.file")
 * @param id the builder's id of it: for amazon-ebs {@code region:ami-id} pairs joined by commas
 * @param description packer's one-line description
 * @param files local files that make it up (a qemu disk image); empty for cloud images
 */
public record Artifact(
    String build, String builderId, String id, String description, List<String> files) {

  public Artifact {
    files = List.copyOf(files);
  }

  /**
   * For an AMI: region to image id ({@code us-east-1 -> ami-0abc}); empty when the id is not of
   * that form.
   */
  public Map<String, String> regionIds() {
    Map<String, String> out = new LinkedHashMap<>();
    if (id == null) {
      return out;
    }
    for (String part : id.split(",")) {
      int colon = part.indexOf(':');
      if (colon <= 0 || colon == part.length() - 1) {
        return Map.of();
      }
      out.put(part.substring(0, colon), part.substring(colon + 1));
    }
    return out;
  }
}
