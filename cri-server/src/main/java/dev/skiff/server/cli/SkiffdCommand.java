package dev.skiff.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.skiff.server.BuildInfo;
import dev.skiff.server.Daemon;
import dev.skiff.server.config.ConfigException;
import dev.skiff.server.config.SkiffConfig;
import java.util.concurrent.Callable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

/** {@code skiffd}: runs the CRI server until SIGTERM or SIGINT. */
@Command(name = "skiffd", mixinStandardHelpOptions = true, versionProvider = SkiffdCommand.Version.class,
    description = "skiff: a Kubernetes CRI runtime. Serves runtime.v1 RuntimeService and ImageService on a unix socket.")
public final class SkiffdCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() throws InterruptedException {
    SkiffConfig config;
    try {
      config = options.load();
    } catch (ConfigException e) {
      System.err.println("skiffd: " + e.getMessage());
      return 2;
    }
    setLogLevel(config.daemon().logLevel());
    return Daemon.run(config);
  }

  private static void setLogLevel(String level) throws InterruptedException {
    // While another thread is still initialising slf4j, getILoggerFactory answers with a stand-in
    // factory (SubstituteLoggerFactory); wait for logback's own context instead of failing start.
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    for (int i = 0; i < 400 && !(factory instanceof LoggerContext); i++) {
      Thread.sleep(5);
      factory = LoggerFactory.getILoggerFactory();
    }
    if (factory instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    } else {
      System.err.println("skiffd: logging is not logback's (" + factory.getClass().getName()
          + "); log_level " + level + " not applied");
    }
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"skiffd " + BuildInfo.version()};
    }
  }
}
