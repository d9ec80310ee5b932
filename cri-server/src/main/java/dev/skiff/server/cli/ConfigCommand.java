package dev.skiff.server.cli;

import dev.skiff.server.config.ConfigException;
import dev.skiff.server.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code skiffd config}: prints the effective configuration as TOML. */
@Command(name = "config", description = "Print the effective configuration (defaults, file, drop-ins, flags) as TOML.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() {
    try {
      System.out.print(ConfigLoader.toToml(options.load()));
      return 0;
    } catch (ConfigException e) {
      System.err.println("skiffd: " + e.getMessage());
      return 2;
    }
  }
}
