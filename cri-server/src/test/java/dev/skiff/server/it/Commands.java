package dev.skiff.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for integration tests, with a timeout, capturing both streams. */
public final class Commands {
  private Commands() {}

  public static CommandResult run(List<String> command) {
    return run(command, 120);
  }

  public static CommandResult run(List<String> command, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("skiff-it-out", ".txt");
      Path err = Files.createTempFile("skiff-it-err", ".txt");
      try {
        Process process = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
        }
        return new CommandResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    }
  }
}
