package dev.skiff.server.stream;

import io.netty.channel.Channel;

/**
 * Stops reading from a connection while any of its inbound pipes is over its high-water mark:
 * stdin or a forwarded port that the process does not drain pushes back on the client through
 * TCP, never through memory.
 */
final class ReadPause {
  private final Channel channel;
  private int paused;

  ReadPause(Channel channel) {
    this.channel = channel;
  }

  synchronized void pause() {
    if (paused++ == 0) {
      channel.config().setAutoRead(false);
    }
  }

  synchronized void resume() {
    if (--paused == 0) {
      channel.config().setAutoRead(true);
    }
  }
}
