package dev.skiff.server.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SPDY/3.1 client shaped like client-go's: raw HTTP upgrade (POST, one
 * X-Stream-Protocol-Version line per protocol), then Netty's SpdyFrameCodec. Test code only.
 */
final class SpdyTestClient implements AutoCloseable {
  /** The HTTP answer to the upgrade request. */
  record Upgrade(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** What the server did on one stream. */
  static final class StreamState {
    final CompletableFuture<Boolean> replied = new CompletableFuture<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final CompletableFuture<String> ended = new CompletableFuture<>();

    synchronized byte[] bytes() {
      return data.toByteArray();
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }
  }

  final CompletableFuture<Upgrade> upgrade = new CompletableFuture<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  final CompletableFuture<Integer> goAway = new CompletableFuture<>();
  final BlockingQueue<Integer> pings = new LinkedBlockingQueue<>();
  private final Map<Integer, StreamState> streams = new ConcurrentHashMap<>();
  private Channel channel;
  private int nextStreamId = 1;

  static SpdyTestClient connect(EventLoopGroup group, String url, String method, List<String> protocols,
      Map<String, String> extraHeaders) throws Exception {
    SpdyTestClient client = new SpdyTestClient();
    URI uri = URI.create(url);
    client.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("upgrade", client.new UpgradeDecoder());
          }
        })
        .connect(uri.getHost(), uri.getPort()).sync().channel();
    StringBuilder request = new StringBuilder(method + " " + uri.getRawPath() + " HTTP/1.1\r\n")
        .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
        .append("Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n");
    for (String protocol : protocols) {
      request.append("X-Stream-Protocol-Version: ").append(protocol).append("\r\n");
    }
    extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
    request.append("\r\n");
    client.channel.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII)).sync();
    client.upgrade.get(10, TimeUnit.SECONDS);
    return client;
  }

  /** Wraps a channel that already speaks SPDY (the WebSocket tunnel). */
  static SpdyTestClient over(Channel channel) {
    SpdyTestClient client = new SpdyTestClient();
    client.channel = channel;
    channel.pipeline().addLast("spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1)).addLast("frames", client.new Frames());
    return client;
  }

  /** Opens a stream (SYN_STREAM with lower-case headers); returns its id without waiting. */
  synchronized int open(Map<String, String> headers) {
    int id = nextStreamId;
    nextStreamId += 2;
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    headers.forEach((k, v) -> syn.headers().set(k, v));
    streams.put(id, new StreamState());
    channel.writeAndFlush(syn);
    return id;
  }

  /** Opens a stream and waits for the server's SYN_REPLY (true) or RST (false). */
  int openAndWait(Map<String, String> headers) throws Exception {
    int id = open(headers);
    if (!stream(id).replied.get(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("stream " + id + " was refused");
    }
    return id;
  }

  StreamState stream(int id) {
    return streams.get(id);
  }

  void send(int id, byte[] bytes) {
    channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(bytes)));
  }

  void send(int id, String text) {
    send(id, text.getBytes(StandardCharsets.UTF_8));
  }

  void fin(int id) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
    fin.setLast(true);
    channel.writeAndFlush(fin);
  }

  void reset(int id) {
    channel.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
  }

  void ping(int id) {
    channel.writeAndFlush(new DefaultSpdyPingFrame(id));
  }

  /** Waits for the stream to end (FIN or RST) and returns how: "fin" or "rst". */
  String awaitEnd(int id) throws Exception {
    return stream(id).ended.get(20, TimeUnit.SECONDS);
  }

  Channel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }

  /** Reads the HTTP response head, then steps aside so the rest flows to the SPDY codec. */
  private final class UpgradeDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), in);
      if (end < 0) {
        return;
      }
      String head = in.readCharSequence(end - in.readerIndex() + 4, StandardCharsets.US_ASCII).toString();
      int status = Integer.parseInt(head.split(" ")[1]);
      if (status == 101) {
        ctx.pipeline().addAfter(ctx.name(), "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1))
            .addAfter("spdy", "frames", new Frames());
        upgrade.complete(new Upgrade(status, head, ""));
        ctx.pipeline().remove(this);
      } else {
        Upgrade answer = new Upgrade(status, head, "");
        String length = answer.header("Content-Length");
        int bodyLength = length == null ? 0 : Integer.parseInt(length);
        String body = in.readableBytes() >= bodyLength
            ? in.readCharSequence(bodyLength, StandardCharsets.UTF_8).toString() : "";
        upgrade.complete(new Upgrade(status, head, body));
        in.skipBytes(in.readableBytes());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      upgrade.completeExceptionally(new IllegalStateException("closed before an answer"));
      super.channelInactive(ctx);
    }
  }

  private final class Frames extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof SpdySynReplyFrame reply) {
          stream(reply.streamId()).replied.complete(true);
        } else if (msg instanceof SpdyDataFrame data) {
          StreamState state = stream(data.streamId());
          synchronized (state) {
            data.content().getBytes(data.content().readerIndex(), state.data, data.content().readableBytes());
          }
          if (data.isLast()) {
            state.ended.complete("fin");
          }
        } else if (msg instanceof SpdyRstStreamFrame rst) {
          StreamState state = stream(rst.streamId());
          if (state != null) {
            state.replied.complete(false);
            state.ended.complete("rst");
          }
        } else if (msg instanceof SpdyPingFrame ping) {
          pings.add(ping.id());
        } else if (msg instanceof SpdyGoAwayFrame goAwayFrame) {
          goAway.complete(goAwayFrame.lastGoodStreamId());
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      streams.values().forEach(s -> s.ended.complete("connection closed"));
      closed.complete(null);
    }
  }
}
