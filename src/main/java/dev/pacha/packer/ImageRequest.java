package dev.pacha.packer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to validate or bake.
 *
 * @param template a template file or a directory of *.pkr.hcl files
 * @param vars --var NAME=VALUE, in the order given (later ones win in packer)
 * @param varFiles --var-file FILE, in the order given
 * @param only --only: the builds to run ("amazon-ebs.debian"); empty: all
 * @param deb the pacha .deb to install; empty: the one beside pacha's jar, if any
 * @param timeout stop packer after this long; empty: no limit
 * @param grace how long packer may clean up after being asked to stop before it is killed
 */
public record ImageRequest(
    Path template,
    Map<String, String> vars,
    List<Path> varFiles,
    List<String> only,
    Optional<Path> deb,
    Optional<Duration> timeout,
    Duration grace) {

  public ImageRequest {
    vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
    varFiles = List.copyOf(varFiles);
    only = List.copyOf(only);
  }
}
