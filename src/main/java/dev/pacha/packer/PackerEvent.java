package dev.pacha.packer;

import java.util.List;

/**
 * One line of packer's -machine-readable output, typed. Every line is {@code
 * timestamp,target,type,data...}; the target names a build ("amazon-ebs.debian") or is empty for
 * packer itself.
 */
public sealed interface PackerEvent {

  /** The build the line is about; empty for packer itself. */
  String target();

  /** What packer shows a person: {@code ui,say|message|error,TEXT}. */
  record Ui(long time, String target, Level level, String text) implements PackerEvent {
    /** say: packer's own progress; message: a build's output; error: something went wrong. */
    public enum Level {
      SAY,
      MESSAGE,
      ERROR
    }
  }

  /** {@code artifact-count,N}: how many artifacts a build produced. */
  record ArtifactCount(long time, String target, int count) implements PackerEvent {}

  /**
   * {@code artifact,INDEX,KEY,VALUES...}: one fact about a build's artifact (builder-id, id,
   * string, files-count, file, end, nil).
   */
  record ArtifactField(long time, String target, int index, String key, List<String> values)
      implements PackerEvent {}

  /** {@code error-count,N}: how many builds failed. */
  record ErrorCount(long time, String target, int count) implements PackerEvent {}

  /** {@code error,MESSAGE} with a target: why that build failed. */
  record BuildError(long time, String target, String message) implements PackerEvent {}

  /** A well-formed line of a type not listed above (version, template-vars, ...). */
  record Other(long time, String target, String type, List<String> data) implements PackerEvent {}

  /** A line that is not machine-readable output: a panic, a plugin's stray print. */
  record Unparsed(String line) implements PackerEvent {
    @Override
    public String target() {
      return "";
    }
  }
}
