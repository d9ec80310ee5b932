package dev.skiff.server;

import dev.skiff.server.cli.ConfigCommand;
import dev.skiff.server.cli.SkiffdCommand;
import picocli.CommandLine;

/** Entry point of skiffd: parses the command line and runs the chosen command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // The daemon's slowest classes load on a second thread while picocli parses (Java 5
    // classes: the CDS archive cannot hold them) and the config is read.
    StartupWarmup.start();
    CommandLine commandLine = new CommandLine(new SkiffdCommand()).addSubcommand(new ConfigCommand());
    System.exit(commandLine.execute(args));
  }
}
