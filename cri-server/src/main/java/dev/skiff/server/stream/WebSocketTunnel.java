package dev.skiff.server.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Carries a byte stream (SPDY, for {@code SPDY/3.1+portforward.k8s.io}) in binary WebSocket
 * messages whose boundaries mean nothing: inbound payloads are passed on as plain bytes,
 * outbound bytes become one binary message per write. A text message is a protocol error;
 * closing the channel sends Close 1000 first (client-go reads that as EOF).
 */
final class WebSocketTunnel extends ChannelDuplexHandler {
  private boolean closeSent;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      ByteBuf content = ((io.netty.buffer.ByteBufHolder) msg).content().retain();
      ReferenceCountUtil.release(msg);
      ctx.fireChannelRead(content);
      return;
    }
    try {
      if (msg instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame) {
        if (!closeSent) {
          closeSent = true;
          ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> ctx.channel().close());
        } else {
          ctx.channel().close();
        }
      } else if (msg instanceof TextWebSocketFrame) {
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(1003, "text messages are not allowed in a SPDY tunnel"))
            .addListener(f -> ctx.channel().close());
      } else if (!(msg instanceof PongWebSocketFrame)) {
        ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf bytes) {
      ctx.write(new BinaryWebSocketFrame(bytes), promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (closeSent || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    closeSent = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> ctx.close(promise));
  }
}
