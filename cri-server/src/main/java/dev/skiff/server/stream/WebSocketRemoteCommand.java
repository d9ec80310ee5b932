package dev.skiff.server.stream;

import dev.skiff.runtime.stream.Stdio;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;

/**
 * Exec or attach over WebSocket channels: 0 stdin, 1 stdout, 2 stderr, 3 error (status),
 * 4 resize, and with v5 the client's {@code [255, channel]} half-close. Right after the 101 the
 * server sends one empty message on its lowest writable channel, as the reference does.
 * Whether stdin is used comes from the CRI request, not from what the client sends.
 */
final class WebSocketRemoteCommand extends WebSocketSession implements CommandStreams {
  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;
  static final int CLOSE = 255;

  private final StreamContext context;
  private final PendingStream request;
  private final RemoteCommandProtocol protocol;
  private final ChannelFraming framing;
  private RemoteCommand command;
  private InboundPipe stdin;
  private ResizeDecoder resize;

  WebSocketRemoteCommand(StreamContext context, PendingStream request, RemoteCommandProtocol protocol) {
    this.context = context;
    this.request = request;
    this.protocol = protocol;
    this.framing = ChannelFraming.of(protocol);
  }

  @Override
  void start() {
    stdin = new InboundPipe(new ReadPause(ctx.channel()), context.io());
    command = new RemoteCommand(request, context.backend(), context.io(), this, stdin);
    resize = new ResizeDecoder(command::resize);
    Stdio stdio = command.stdio();
    int first = stdio.stdout() ? STDOUT : stdio.stderr() ? STDERR : ERROR;
    ctx.writeAndFlush(framing.encode(first, Unpooled.EMPTY_BUFFER));
    command.start();
  }

  @Override
  void message(WebSocketFrame frame) {
    if (protocol.closeSignal() && isCloseSignal(frame)) {
      ByteBuf content = frame.content();
      if (content.readableBytes() != 2 || content.getUnsignedByte(content.readerIndex() + 1) > RESIZE) {
        abort();
      } else if (content.getUnsignedByte(content.readerIndex() + 1) == STDIN) {
        stdin.end();
      }
      return;
    }
    ChannelFraming.Message message = framing.decode(frame, ctx.alloc());
    if (message == null) {
      return;
    }
    ByteBuf payload = message.payload();
    if (!payload.isReadable()) {
      payload.release();
      return;
    }
    switch (message.channel()) {
      case STDIN -> {
        if (command.stdio().stdin()) {
          stdin.offer(payload);
        } else {
          payload.release();
        }
      }
      case RESIZE -> {
        try {
          resize.feed(ByteBufUtil.getBytes(payload));
        } finally {
          payload.release();
        }
      }
      default -> payload.release();
    }
  }

  private static boolean isCloseSignal(WebSocketFrame frame) {
    ByteBuf content = frame.content();
    return frame instanceof io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame
        && content.isReadable() && content.getUnsignedByte(content.readerIndex()) == CLOSE;
  }

  @Override
  void disconnected() {
    if (command != null) {
      command.clientGone();
    }
  }

  @Override
  public OutboundStream stdout() {
    return new Channel(STDOUT);
  }

  @Override
  public OutboundStream stderr() {
    return new Channel(STDERR);
  }

  @Override
  public void finish(CommandOutcome outcome) {
    byte[] status = StatusMessages.encode(outcome, protocol.jsonStatus());
    if (status.length > 0) {
      try {
        writeBlocking(framing.encode(ERROR, Unpooled.wrappedBuffer(status)));
      } catch (IOException ignored) {
        // The client is gone; nobody is left to tell.
      }
    }
    finish();
  }

  /** A server-to-client channel; WebSocket has no per-channel end, so close does nothing. */
  private final class Channel implements OutboundStream {
    private final int number;

    Channel(int number) {
      this.number = number;
    }

    @Override
    public void write(ByteBuf data) throws IOException {
      writeBlocking(framing.encode(number, data));
    }

    @Override
    public void close() {}
  }
}
