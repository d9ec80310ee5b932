package dev.skiff.server.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Kubernetes channel framing over WebSocket: each message is one channel number followed by
 * the payload. Binary protocols put the channel in the first byte; base64 protocols send text
 * messages starting with the channel as an ASCII digit, then standard padded base64.
 */
final class ChannelFraming {
  /** One decoded message; the payload belongs to the caller. */
  record Message(int channel, ByteBuf payload) {}

  private final boolean base64;

  ChannelFraming(boolean base64) {
    this.base64 = base64;
  }

  static ChannelFraming of(RemoteCommandProtocol protocol) {
    return new ChannelFraming(protocol.framing() == RemoteCommandProtocol.Framing.BASE64);
  }

  /** Takes ownership of {@code payload}. */
  WebSocketFrame encode(int channel, ByteBuf payload) {
    try {
      if (base64) {
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        return new TextWebSocketFrame((char) ('0' + channel) + Base64.getEncoder().encodeToString(bytes));
      }
      ByteBuf framed = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) channel}), payload.retain());
      return new BinaryWebSocketFrame(framed);
    } finally {
      payload.release();
    }
  }

  /**
   * The channel and payload of a client message, or null when it must be dropped: empty, of
   * the other kind (text on a binary protocol or the reverse), or not valid base64.
   */
  Message decode(WebSocketFrame frame, ByteBufAllocator alloc) {
    ByteBuf content = frame.content();
    if (!content.isReadable()) {
      return null;
    }
    if (base64) {
      if (!(frame instanceof TextWebSocketFrame)) {
        return null;
      }
      String text = content.toString(StandardCharsets.US_ASCII);
      int channel = text.charAt(0) - '0';
      if (channel < 0 || channel > 9) {
        return null;
      }
      try {
        byte[] bytes = Base64.getDecoder().decode(text.substring(1));
        return new Message(channel, Unpooled.wrappedBuffer(bytes));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (!(frame instanceof BinaryWebSocketFrame)) {
      return null;
    }
    int channel = content.getUnsignedByte(content.readerIndex());
    return new Message(channel, content.retainedSlice(content.readerIndex() + 1, content.readableBytes() - 1));
  }
}
