package dev.pacha;

import dev.pacha.cli.Cli;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.execute(args, Cli.Context.system()));
  }
}
