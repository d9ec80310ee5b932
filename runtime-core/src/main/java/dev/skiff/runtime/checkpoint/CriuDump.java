package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs {@code criu dump} for a request within the deadline; a failure carries the tail of dump.log. */
final class CriuDump {
  static final int LOG_TAIL_LINES = 12;

  private CriuDump() {}

  static void run(Path criu, CriuDumpRequest request, Deadline deadline, String containerId)
      throws CheckpointException {
    deadline.check("starting criu dump");
    CriuCommand.Result result;
    try {
      result = CriuCommand.run(request.argv(criu), deadline.remaining());
    } catch (IOException e) {
      throw new CheckpointException(CheckpointException.Kind.DUMP_FAILED,
          "cannot run criu for container " + containerId + ": " + e.getMessage(), e);
    }
    if (result.timedOut()) {
      throw deadline.expired("criu dumped container " + containerId);
    }
    if (result.exitCode() != 0) {
      Path log = request.workDir().resolve(CriuDumpRequest.LOG_FILE);
      throw new CheckpointException(CheckpointException.Kind.DUMP_FAILED, "criu dump of container " + containerId
          + " failed (exit " + result.exitCode() + "); " + log.getFileName() + " ends: "
          + logTail(log, result.output()));
    }
  }

  /** The last lines of criu's log, its "Error" lines first; criu's own output when there is no log. */
  static String logTail(Path log, String output) {
    String text;
    try {
      text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      text = output;
    }
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    List<String> errors = lines.stream().filter(l -> l.contains("Error (")).filter(l -> !tail.contains(l)).limit(4)
        .toList();
    StringBuilder out = new StringBuilder();
    errors.forEach(l -> out.append(l).append(" | "));
    out.append(String.join(" | ", tail));
    return out.length() == 0 ? "(empty)" : out.toString();
  }
}
