package dev.skiff.server.stream;

/** How an exec or attach session ended, before it is encoded for the client's protocol. */
sealed interface CommandOutcome {
  record Success() implements CommandOutcome {}

  record NonZeroExit(int exitCode, String description) implements CommandOutcome {}

  record Failed(String message) implements CommandOutcome {}
}
