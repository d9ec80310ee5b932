package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Error-stream payloads as client-go's decoders (v4 JSON, v1-v3 text) expect them. */
class StatusMessagesTest {
  @Test
  void v4SuccessIsJsonEvenOnSuccess() {
    assertEquals("{\"status\":\"Success\"}", json(new CommandOutcome.Success()));
  }

  @Test
  void v4NonZeroExitCarriesTheExitCodeCause() {
    assertEquals("{\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: error executing "
        + "command [sh, -c, exit 3], exit code 3\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
        + "[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}",
        json(new CommandOutcome.NonZeroExit(3, "error executing command [sh, -c, exit 3]")));
  }

  @Test
  void v4FailureIsAnInternalError() {
    assertEquals("{\"status\":\"Failure\",\"message\":\"boom\",\"reason\":\"InternalError\",\"details\":"
        + "{\"causes\":[{\"message\":\"boom\"}]},\"code\":500}", json(new CommandOutcome.Failed("boom")));
  }

  @Test
  void olderProtocolsSendTextOnlyOnFailure() {
    assertEquals(0, StatusMessages.encode(new CommandOutcome.Success(), false).length);
    assertEquals("boom", new String(StatusMessages.encode(new CommandOutcome.Failed("boom"), false),
        StandardCharsets.UTF_8));
  }

  private static String json(CommandOutcome outcome) {
    return new String(StatusMessages.encode(outcome, true), StandardCharsets.UTF_8);
  }
}
