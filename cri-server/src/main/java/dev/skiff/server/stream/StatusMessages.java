package dev.skiff.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The error-stream payloads: v4 (and v5) send a Kubernetes Status as JSON, always; the older
 * protocols send plain text, and only on failure (client-go's errorDecoderV4 / V2).
 */
final class StatusMessages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] NOTHING = new byte[0];

  private StatusMessages() {}

  static byte[] encode(CommandOutcome outcome, boolean jsonStatus) {
    return jsonStatus ? json(outcome) : text(outcome);
  }

  static byte[] text(CommandOutcome outcome) {
    if (outcome instanceof CommandOutcome.NonZeroExit n) {
      return nonZeroMessage(n).getBytes(StandardCharsets.UTF_8);
    }
    if (outcome instanceof CommandOutcome.Failed f) {
      return f.message().getBytes(StandardCharsets.UTF_8);
    }
    return NOTHING;
  }

  static byte[] json(CommandOutcome outcome) {
    ObjectNode status = JSON.createObjectNode();
    if (outcome instanceof CommandOutcome.NonZeroExit n) {
      status.put("status", "Failure");
      status.put("message", nonZeroMessage(n));
      status.put("reason", "NonZeroExitCode");
      // client-go needs an ExitCode cause whose message parses as 0..255.
      status.putObject("details").putArray("causes").addObject()
          .put("reason", "ExitCode").put("message", Integer.toString(n.exitCode()));
    } else if (outcome instanceof CommandOutcome.Failed f) {
      status.put("status", "Failure");
      status.put("message", f.message());
      status.put("reason", "InternalError");
      status.putObject("details").putArray("causes").addObject().put("message", f.message());
      status.put("code", 500);
    } else {
      status.put("status", "Success");
    }
    return status.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String nonZeroMessage(CommandOutcome.NonZeroExit n) {
    return "command terminated with non-zero exit code: " + n.description() + ", exit code " + n.exitCode();
  }
}
