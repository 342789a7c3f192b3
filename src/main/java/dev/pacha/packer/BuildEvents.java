package dev.pacha.packer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what a packer run reported: artifacts (assembled from their field lines), build errors
 * and ui error lines. Fed from the thread that reads packer's output; read after it ends.
 */
final class BuildEvents {
  private final Map<String, Partial> open = new HashMap<>();
  private final List<Artifact> artifacts = new ArrayList<>();
  private final List<ImageResult.Failure> buildErrors = new ArrayList<>();
  private final List<String> uiErrors = new ArrayList<>();
  private boolean interrupted;

  /** One artifact being assembled from its field lines. */
  private static final class Partial {
    String builderId = "";
    String id = "";
    String description = "";
    final List<String> files = new ArrayList<>();
  }

  synchronized void accept(PackerEvent event) {
    if (event instanceof PackerEvent.ArtifactField f) {
      artifactField(f);
    } else if (event instanceof PackerEvent.BuildError e) {
      buildErrors.add(new ImageResult.Failure(e.target(), e.message()));
    } else if (event instanceof PackerEvent.Ui u) {
      if (u.level() == PackerEvent.Ui.Level.ERROR) {
        uiErrors.add(u.text());
      }
      // Packer's own words when a signal stopped it (ours, or a terminal's Ctrl-C).
      if (u.text().startsWith("Cancelling build after receiving")
          || u.text().startsWith("Cleanly cancelled builds")) {
        interrupted = true;
      }
    }
  }

  private void artifactField(PackerEvent.ArtifactField f) {
    String key = f.target() + "#" + f.index();
    switch (f.key()) {
      case "end" -> {
        Partial p = open.remove(key);
        if (p != null) {
          artifacts.add(new Artifact(f.target(), p.builderId, p.id, p.description, p.files));
        }
      }
      case "nil" -> open.remove(key);
      default -> {
        Partial p = open.computeIfAbsent(key, k -> new Partial());
        String value = String.join(",", f.values());
        switch (f.key()) {
          case "builder-id" -> p.builderId = value;
          case "id" -> p.id = value;
          case "string" -> p.description = value;
          case "file" -> {
            // file,INDEX,PATH
            if (f.values().size() >= 2) {
              p.files.add(String.join(",", f.values().subList(1, f.values().size())));
            }
          }
          default -> {}
        }
      }
    }
  }

  synchronized List<Artifact> artifacts() {
    return List.copyOf(artifacts);
  }

  synchronized List<ImageResult.Failure> buildErrors() {
    return List.copyOf(buildErrors);
  }

  synchronized List<String> uiErrors() {
    return List.copyOf(uiErrors);
  }

  synchronized boolean interrupted() {
    return interrupted;
  }
}
