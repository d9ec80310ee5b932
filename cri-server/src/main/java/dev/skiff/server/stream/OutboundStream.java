package dev.skiff.server.stream;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/** One server-to-client byte stream of a session: a SPDY stream or a WebSocket channel. */
interface OutboundStream {
  /**
   * Sends {@code data} (ownership passes), blocking while the connection's write buffer is
   * full. Never call it on an event loop. Fails once the client is gone.
   */
  void write(ByteBuf data) throws IOException;

  /** Ends the stream (SPDY FIN; nothing on WebSocket, which has no per-channel end). */
  void close();
}
