package dev.skiff.runtime.network;

import dev.skiff.runtime.linux.Nftables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ip} and {@code nft} with a batch of commands on stdin: one fork per step,
 * not per command. The child inherits the network namespace of the calling thread. nft
 * scripts run in-process through libnftables instead when it is there ({@link #nft}).
 */
final class Commands {
  private static final long TIMEOUT_SECONDS = 10;

  private Commands() {}

  record Result(int exitCode, String output) {}

  static Result run(List<String> argv, String stdin) throws NetworkException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    String shown = String.join(" ", argv);
    try {
      Process process = builder.start();
      try (OutputStream input = process.getOutputStream()) {
        input.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      try (InputStream out = process.getInputStream()) {
        out.transferTo(output);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new NetworkException(NetworkException.Kind.FAILED, shown + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      if (e instanceof NetworkException ne) {
        throw ne;
      }
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot run " + shown + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetworkException(NetworkException.Kind.FAILED, shown + " was interrupted");
    }
  }

  /** Runs and throws, quoting the batch and the tool's own message, unless it exits 0. */
  static void check(List<String> argv, String stdin) throws NetworkException {
    Result result = run(argv, stdin);
    if (result.exitCode() != 0) {
      throw new NetworkException(NetworkException.Kind.FAILED, String.join(" ", argv) + " failed (exit "
          + result.exitCode() + ") on [" + stdin.trim().replace('\n', ';') + "]: " + result.output());
    }
  }

  static List<String> ipBatch() {
    return new ArrayList<>(List.of("ip", "-batch", "-"));
  }

  static List<String> nftBatch() {
    return new ArrayList<>(List.of("nft", "-f", "-"));
  }

  /** One nft transaction: in-process through libnftables when it loads, else a forked nft -f -. */
  static Result nft(String script) throws NetworkException {
    if (Nftables.available()) {
      Nftables.Result result = Nftables.run(script);
      return new Result(result.exitCode(), result.error());
    }
    return run(nftBatch(), script);
  }

  static void checkNft(String script) throws NetworkException {
    Result result = nft(script);
    if (result.exitCode() != 0) {
      throw new NetworkException(NetworkException.Kind.FAILED, "nft failed on [" + script.trim().replace('\n', ';')
          + "]: " + result.output());
    }
  }
}
