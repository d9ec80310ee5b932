package dev.skiff.server.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * Writes from pump threads with TCP as the only backpressure: when the channel's outbound
 * buffer is above its high-water mark, the writer waits for its own write to reach the
 * socket. (No SPDY window is honoured: Go's spdystream never sends WINDOW_UPDATE.)
 */
final class ChannelWrites {
  private ChannelWrites() {}

  static void writeBlocking(Channel channel, Object message) throws IOException {
    if (!channel.isActive()) {
      ReferenceCountUtil.release(message);
      throw new IOException("connection closed");
    }
    ChannelFuture written = channel.writeAndFlush(message);
    if (!channel.isWritable()) {
      written.awaitUninterruptibly();
    }
    if (written.isDone() && !written.isSuccess()) {
      throw new IOException("write failed: " + written.cause(), written.cause());
    }
  }
}
