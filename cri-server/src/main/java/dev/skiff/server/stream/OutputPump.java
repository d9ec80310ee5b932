package dev.skiff.server.stream;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Copies a blocking process (or pod socket) output to the client on an I/O thread. */
final class OutputPump {
  // Go clients copy with 32 KiB buffers too; one read becomes one DATA frame or message.
  private static final int CHUNK = 32 * 1024;

  private OutputPump() {}

  /**
   * Completes when {@code in} reached EOF (the stream is then closed towards the client) or
   * the client went away (then {@code in} is closed, so a writer on the other side gets EPIPE
   * instead of blocking forever on a full pipe).
   */
  static CompletableFuture<Void> start(InputStream in, OutboundStream out, Executor io) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    io.execute(() -> {
      try {
        copy(in, out);
      } finally {
        done.complete(null);
      }
    });
    return done;
  }

  private static void copy(InputStream in, OutboundStream out) {
    byte[] buffer = new byte[CHUNK];
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        out.close();
        return;
      }
      if (n == 0) {
        continue;
      }
      try {
        out.write(Unpooled.copiedBuffer(buffer, 0, n));
      } catch (IOException e) {
        try {
          in.close();
        } catch (IOException ignored) {
          // Closing is all we wanted.
        }
        return;
      }
    }
  }
}
