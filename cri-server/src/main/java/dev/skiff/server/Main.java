package dev.skiff.server;

import dev.skiff.server.cli.ConfigCommand;
import dev.skiff.server.cli.SkiffdCommand;
import picocli.CommandLine;

/** Entry point of skiffd: parses the command line and runs the chosen command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Logging first, on this thread (see StartupWarmup); then the daemon's slowest classes load
    // on a second thread while picocli parses (Java 5 classes: the CDS archive cannot hold
    // them) and the config is read.
    org.slf4j.LoggerFactory.getILoggerFactory();
    StartupWarmup.start();
    CommandLine commandLine = new CommandLine(new SkiffdCommand()).addSubcommand(new ConfigCommand());
    System.exit(commandLine.execute(args));
  }
}
