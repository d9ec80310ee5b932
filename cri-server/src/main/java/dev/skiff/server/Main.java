package dev.skiff.server;

import dev.skiff.server.cli.ConfigCommand;
import dev.skiff.server.cli.SkiffdCommand;
import picocli.CommandLine;

/** Entry point of skiffd: parses the command line and runs the chosen command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new SkiffdCommand()).addSubcommand(new ConfigCommand());
    System.exit(commandLine.execute(args));
  }
}
