package dev.pacha.cli;

import picocli.CommandLine.Option;

/** --json, for every command whose output is data. */
public final class JsonOption {
  @Option(
      names = "--json",
      description = "Print the result as JSON on stdout (progress, if any, goes elsewhere).")
  boolean json;
}
