package dev.skiff.runtime.container;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** The client side of the shim's control socket (protocol in src/main/c/control.h). */
final class ShimControl {
  private ShimControl() {}

  /** Sends one command line and returns the reply line; throws when the shim is gone. */
  static String request(Path socket, String command, Duration timeout) throws IOException {
    try (SocketChannel channel = connect(socket)) {
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      String reply = readUntilClose(channel, timeout);
      if (reply == null) {
        throw new IOException("no reply from the shim to '" + command + "' within " + timeout.toMillis() + " ms");
      }
      return reply.strip();
    }
  }

  /** Sends "wait" and returns true once the shim closes the connection (exit recorded). */
  static boolean awaitExit(Path socket, Duration timeout) throws IOException {
    try (SocketChannel channel = connect(socket)) {
      channel.write(ByteBuffer.wrap("wait\n".getBytes(StandardCharsets.UTF_8)));
      return readUntilClose(channel, timeout) != null;
    }
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  /** Everything the shim sends until it closes, or null when the timeout passes first. */
  private static String readUntilClose(SocketChannel channel, Duration timeout) throws IOException {
    channel.configureBlocking(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    StringBuilder text = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      for (;;) {
        int n = channel.read(buffer);
        if (n < 0) {
          return text.toString();
        }
        if (n > 0) {
          buffer.flip();
          text.append(StandardCharsets.UTF_8.decode(buffer));
          buffer.clear();
          if (text.indexOf("\n") >= 0) {
            return text.toString();
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
      }
    }
  }
}
