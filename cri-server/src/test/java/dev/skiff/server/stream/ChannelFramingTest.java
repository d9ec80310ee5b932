package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte examples of the protocol reference, section 7. */
class ChannelFramingTest {
  private final ChannelFraming binary = new ChannelFraming(false);
  private final ChannelFraming base64 = new ChannelFraming(true);

  @Test
  void binaryPrefixesTheChannelByte() {
    WebSocketFrame frame = binary.encode(1, Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8));
    assertInstanceOf(BinaryWebSocketFrame.class, frame);
    assertArrayEquals(new byte[] {1, 'h', 'i'}, ByteBufUtil.getBytes(frame.content()));
    frame.release();
    WebSocketFrame hello = binary.encode(1, Unpooled.EMPTY_BUFFER);
    assertArrayEquals(new byte[] {1}, ByteBufUtil.getBytes(hello.content()));
    hello.release();
  }

  @Test
  void binaryDecodesChannelAndPayload() {
    BinaryWebSocketFrame frame = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, 'l', 's', '\n'}));
    ChannelFraming.Message message = binary.decode(frame, ByteBufAllocator.DEFAULT);
    assertEquals(0, message.channel());
    assertEquals("ls\n", message.payload().toString(StandardCharsets.UTF_8));
    message.payload().release();
    frame.release();
  }

  @Test
  void base64UsesAsciiChannelAndPaddedBase64() {
    WebSocketFrame frame = base64.encode(1, Unpooled.copiedBuffer("hi\n", StandardCharsets.UTF_8));
    assertInstanceOf(TextWebSocketFrame.class, frame);
    assertEquals("1aGkK", ((TextWebSocketFrame) frame).text());
    frame.release();
    TextWebSocketFrame stdin = new TextWebSocketFrame("0bHMK");
    ChannelFraming.Message message = base64.decode(stdin, ByteBufAllocator.DEFAULT);
    assertEquals(0, message.channel());
    assertEquals("ls\n", message.payload().toString(StandardCharsets.UTF_8));
    message.payload().release();
    stdin.release();
  }

  @Test
  void hostileOrEmptyMessagesAreDropped() {
    assertNull(binary.decode(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER), ByteBufAllocator.DEFAULT));
    assertNull(binary.decode(new TextWebSocketFrame("0abc"), ByteBufAllocator.DEFAULT));
    assertNull(base64.decode(new TextWebSocketFrame("0***"), ByteBufAllocator.DEFAULT));
    assertNull(base64.decode(new TextWebSocketFrame("xaGkK"), ByteBufAllocator.DEFAULT));
    assertNull(base64.decode(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, 1})),
        ByteBufAllocator.DEFAULT));
  }
}
