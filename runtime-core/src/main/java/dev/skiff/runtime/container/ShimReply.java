package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shim mode that daemonizes and answers one line on stdout before its launcher exits:
 * "ok DETAIL" or "error WHY". Returns DETAIL; anything else fails naming what was asked.
 */
final class ShimReply {
  private ShimReply() {}

  /**
   * @param what the step in words, for messages ("create the container")
   * @param failure the prefix of the message when the shim says no
   */
  static String run(List<String> command, Duration timeout, String what, String failure)
      throws ContainerException, IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String reply;
    try {
      process.getOutputStream().close();
      reply = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new ContainerException(ContainerException.Kind.INTERNAL, "the shim did not " + what + " within "
            + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new ContainerException(ContainerException.Kind.INTERNAL, "interrupted while the shim was asked to "
          + what, e);
    }
    if (!reply.startsWith("ok ")) {
      String why = reply.startsWith("error ") ? reply.substring("error ".length()) : "shim said '" + reply + "'";
      throw new ContainerException(ContainerException.Kind.INTERNAL, failure + ": " + why);
    }
    return reply.substring(3).strip();
  }
}
