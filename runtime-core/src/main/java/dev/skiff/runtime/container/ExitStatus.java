package dev.skiff.runtime.container;

import java.io.IOException;
import java.util.Map;

/**
 * How the container process ended (the shim's {@code exit} file).
 *
 * @param exitCode the exit code, or 128 + signal when a signal killed it
 * @param signal the killing signal, 0 when it exited
 * @param message why it never ran (a start failure), else empty
 */
public record ExitStatus(int exitCode, int signal, long finishedNs, boolean oomKilled, String message) {
  static ExitStatus parse(Map<String, String> values) throws IOException {
    try {
      return new ExitStatus(Integer.parseInt(values.get("exit_code")), Integer.parseInt(values.get("signal")),
          Long.parseLong(values.get("finished_ns")), "1".equals(values.get("oom_killed")),
          values.getOrDefault("message", ""));
    } catch (RuntimeException e) {
      throw new IOException("malformed exit file: " + values, e);
    }
  }

  /** CRI reason: OOMKilled, Completed (exit 0) or Error. */
  public String reason() {
    if (oomKilled) {
      return "OOMKilled";
    }
    return exitCode == 0 ? "Completed" : "Error";
  }
}
