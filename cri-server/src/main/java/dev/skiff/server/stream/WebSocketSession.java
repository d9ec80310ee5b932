package dev.skiff.server.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket layer shared by channel sessions: answers pings, completes the close
 * handshake, and ends the session the way client-go expects — a Close with status 1000 (any
 * other end is an error to it), then TCP close once the client answered or after a grace
 * period. Data messages (already aggregated) go to {@link #message}.
 */
abstract class WebSocketSession extends ChannelInboundHandlerAdapter {
  private static final long CLOSE_GRACE_MILLIS = 2000;

  protected ChannelHandlerContext ctx;
  private boolean closeSent;
  private boolean gone;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Called on the event loop once the 101 is on the wire. */
  abstract void start();

  /** A complete data message; the frame is released after this returns. */
  abstract void message(WebSocketFrame frame);

  /** The connection is gone (client close, error or our own close); called once. */
  abstract void disconnected();

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame close) {
        if (!closeSent) {
          closeSent = true;
          int code = close.statusCode() == -1 ? 1000 : close.statusCode();
          ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(f -> ctx.close());
        } else {
          ctx.close();
        }
      } else if (msg instanceof PongWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
        // Pongs need nothing; continuations never get here behind the aggregator.
      } else if (msg instanceof WebSocketFrame frame) {
        message(frame);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Writes a message from a pump thread, with backpressure. */
  protected void writeBlocking(WebSocketFrame frame) throws IOException {
    ChannelWrites.writeBlocking(ctx.channel(), frame);
  }

  /** Close 1000, then drop TCP once the client answered or the grace period is over. Any thread. */
  protected void finish() {
    ctx.executor().execute(() -> {
      if (closeSent || !ctx.channel().isActive()) {
        return;
      }
      closeSent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""));
      ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  /** Ends the read loop at once, as the reference does on a malformed control message. */
  protected void abort() {
    ctx.close();
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) {
    if (!gone) {
      gone = true;
      disconnected();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
