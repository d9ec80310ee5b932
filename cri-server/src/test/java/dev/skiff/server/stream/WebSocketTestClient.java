package dev.skiff.server.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client on Netty's handshaker, recording every message. Test code only. */
final class WebSocketTestClient implements AutoCloseable {
  /** One message: binary bytes, or text as UTF-8 bytes with {@code text} set. */
  record Message(boolean text, byte[] bytes) {
    String asText() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  final CompletableFuture<Object> handshake = new CompletableFuture<>();
  // Netty's handshaker finds the HTTP codec in a listener of the request write; the 101 must
  // not be processed (which removes that codec) before it ran.
  private final CompletableFuture<io.netty.channel.ChannelFuture> requestSent = new CompletableFuture<>();
  final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private Channel channel;
  private String subprotocol;

  /**
   * Connects and completes {@link #handshake} with the chosen subprotocol ("" for none) or,
   * when the server refused, the {@link FullHttpResponse}'s status code.
   */
  static WebSocketTestClient connect(EventLoopGroup group, String url, String subprotocols) throws Exception {
    WebSocketTestClient client = new WebSocketTestClient();
    URI uri = URI.create(url.replaceFirst("^http", "ws"));
    WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
        uri, WebSocketVersion.V13, subprotocols, false, new DefaultHttpHeaders(), 64 << 20);
    client.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                client.new Handshake(handshaker));
          }
        })
        .connect(uri.getHost(), uri.getPort()).sync().channel();
    io.netty.channel.ChannelFuture sent = handshaker.handshake(client.channel);
    client.requestSent.complete(sent);
    sent.sync();
    client.handshake.get(10, TimeUnit.SECONDS);
    return client;
  }

  String subprotocol() {
    return subprotocol;
  }

  void sendBinary(byte... bytes) {
    channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
  }

  void sendBinary(int channelNumber, String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[payload.length + 1];
    bytes[0] = (byte) channelNumber;
    System.arraycopy(payload, 0, bytes, 1, payload.length);
    sendBinary(bytes);
  }

  void sendText(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(text));
  }

  Message next() throws InterruptedException {
    Message message = messages.poll(20, TimeUnit.SECONDS);
    if (message == null) {
      throw new IllegalStateException("no message within 20 s");
    }
    return message;
  }

  Channel channel() {
    return channel;
  }

  /** Turns the channel into a byte pipe over binary messages, for the SPDY tunnel. */
  Channel tunnel() {
    channel.pipeline().remove(Frames.class);
    channel.pipeline().addLast(new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame) {
          ctx.fireChannelRead(frame.content().retain());
          frame.release();
        } else {
          if (msg instanceof CloseWebSocketFrame close) {
            closeCode.complete(close.statusCode());
          }
          ReferenceCountUtil.release(msg);
        }
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg instanceof ByteBuf bytes ? new BinaryWebSocketFrame(bytes) : msg, promise);
      }
    });
    return channel;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }

  private final class Handshake extends ChannelInboundHandlerAdapter {
    private final WebSocketClientHandshaker handshaker;

    Handshake(WebSocketClientHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    // Bytes of the first frames can arrive in the same read as the 101, before it is processed;
    // they are held and replayed from the pipeline's head once the WebSocket decoder is in.
    private final java.util.List<Object> early = new java.util.ArrayList<>();
    private boolean responseSeen;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (responseSeen || !(msg instanceof FullHttpResponse)) {
        early.add(msg);
        return;
      }
      responseSeen = true;
      FullHttpResponse response = (FullHttpResponse) msg;
      requestSent.thenAccept(sent -> sent.addListener(f -> process(ctx, response)));
    }

    private void process(ChannelHandlerContext ctx, FullHttpResponse response) {
      try {
        if (response.status().code() != 101) {
          handshake.complete(response.status().code());
          return;
        }
        handshaker.finishHandshake(ctx.channel(), response);
        subprotocol = handshaker.actualSubprotocol() == null ? "" : handshaker.actualSubprotocol();
        ctx.pipeline().addAfter(ctx.name(), "aggregator", new WebSocketFrameAggregator(64 << 20));
        ctx.pipeline().addAfter("aggregator", "frames", new Frames());
        io.netty.channel.ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(this);
        handshake.complete(subprotocol);
        early.forEach(pipeline::fireChannelRead);
        early.clear();
      } catch (RuntimeException e) {
        handshake.completeExceptionally(e);
      } finally {
        response.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      handshake.completeExceptionally(new IllegalStateException("closed during handshake"));
      closed.complete(null);
    }
  }

  private final class Frames extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof CloseWebSocketFrame close) {
          closeCode.complete(close.statusCode());
          ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(f -> ctx.close());
        } else if (msg instanceof TextWebSocketFrame text) {
          messages.add(new Message(true, ByteBufUtil.getBytes(text.content())));
        } else if (msg instanceof BinaryWebSocketFrame binary) {
          messages.add(new Message(false, ByteBufUtil.getBytes(binary.content())));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeCode.complete(-1);
      closed.complete(null);
    }
  }
}
