package dev.pacha.cli;

import picocli.CommandLine.Parameters;

/** HOST: a host's name on the master, for the commands about one host. */
public final class HostParameter {
  @Parameters(paramLabel = "HOST", description = "The host's name on the master.")
  String host;
}
