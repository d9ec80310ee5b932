package dev.skiff.server.stream;

/** The client side of an exec or attach session, as its protocol (SPDY or WebSocket) carries it. */
interface CommandStreams {
  OutboundStream stdout();

  OutboundStream stderr();

  /**
   * Sends the outcome on the error stream or channel, as the negotiated protocol encodes it,
   * then ends the connection gracefully. Called once, after all output was written.
   */
  void finish(CommandOutcome outcome);
}
