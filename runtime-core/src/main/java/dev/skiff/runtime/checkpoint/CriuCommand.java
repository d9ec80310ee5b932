package dev.skiff.runtime.checkpoint;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one criu command with a time limit. Past it criu gets SIGTERM (it then releases the
 * tasks it seized and removes its parasite), and SIGKILL if it is still there 5 s later; only
 * the process started here is signalled.
 */
final class CriuCommand {
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int OUTPUT_LIMIT = 64 * 1024;

  private CriuCommand() {}

  /** exitCode is -1 when the time ran out; output is stdout and stderr together, the first 64 KiB. */
  record Result(int exitCode, String output) {
    boolean timedOut() {
      return exitCode == -1;
    }
  }

  static Result run(List<String> argv, Duration timeout) throws IOException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readCapped(process.getInputStream()));
    try {
      boolean exited = process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroy();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor();
        }
      }
      return new Result(exited ? process.exitValue() : -1, outputOf(output));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(argv.get(0) + " was interrupted", e);
    }
  }

  /** What criu printed; empty when a descendant still holds the pipe open past the grace time. */
  private static String outputOf(CompletableFuture<String> output) throws InterruptedException {
    try {
      return output.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
  }

  private static String readCapped(InputStream in) {
    try (in) {
      byte[] kept = in.readNBytes(OUTPUT_LIMIT);
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return new String(kept, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
