package dev.skiff.server.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal SPDY/3.1 server session over Netty's {@code SpdyFrameCodec}, shaped after Go's
 * spdystream, the peer of every Kubernetes client:
 * <ul>
 *   <li>streams are opened by the client only; each admitted one gets an empty SYN_REPLY
 *       before anything else is written on it (spdystream drops DATA that beats the reply);</li>
 *   <li>no flow control: spdystream never sends WINDOW_UPDATE, so Netty's
 *       {@code SpdySessionHandler} would stall every stream after 64 KiB;</li>
 *   <li>client PINGs (odd ids) are echoed; nothing is sent before the client's first frame;</li>
 *   <li>{@link #shutdown()}: RST what the server has not ended, GOAWAY, then wait briefly for
 *       the client to close first, so no unread input turns the close into a TCP RST.</li>
 * </ul>
 */
final class SpdySession extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SpdySession.class);
  private static final long CLOSE_GRACE_MILLIS = 2000;
  private static final String REPLY_HEADER = "x-skiff-stream";
  private static final String REPLY_VALUE = "accepted";

  /** What the session's protocol (remote command or port forward) does with streams. */
  interface Handler {
    /** Whether to accept a new stream (SYN_REPLY) or refuse it (RST_STREAM CANCEL). */
    boolean admit(SpdyStream stream);

    /** Called right after the SYN_REPLY was written. */
    void opened(SpdyStream stream);

    /** The connection is gone; called once. */
    void closed();
  }

  /** Builds the protocol handler once the session knows its channel. */
  interface HandlerFactory {
    Handler create(SpdySession session, ChannelHandlerContext ctx);
  }

  private final HandlerFactory factory;
  private final Map<Integer, SpdyStream> streams = new ConcurrentHashMap<>();
  private ChannelHandlerContext ctx;
  private int lastClientStreamId;
  private boolean closed;

  private Handler active;

  SpdySession(HandlerFactory factory) {
    this.factory = factory;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.active = factory.create(this, ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        synStream(syn);
      } else if (msg instanceof SpdyDataFrame data) {
        SpdyStream stream = streams.get(data.streamId());
        if (stream != null) {
          stream.received(data.content().retain(), data.isLast());
        }
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        SpdyStream stream = streams.remove(rst.streamId());
        if (stream != null) {
          stream.resetByClient();
        }
      } else if (msg instanceof SpdyPingFrame ping) {
        // Our own pings would be even; we send none, so every odd id is the client's to echo.
        if ((ping.id() & 1) == 1) {
          ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
        }
      }
      // SETTINGS, WINDOW_UPDATE, HEADERS, GOAWAY: nothing to do (GOAWAY: the client closes).
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void synStream(SpdySynStreamFrame syn) {
    int id = syn.streamId();
    if (syn.isInvalid() || (id & 1) == 0 || streams.containsKey(id)) {
      ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.PROTOCOL_ERROR));
      return;
    }
    lastClientStreamId = Math.max(lastClientStreamId, id);
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<CharSequence, CharSequence> header : syn.headers()) {
      headers.putIfAbsent(header.getKey().toString().toLowerCase(Locale.ROOT), header.getValue().toString());
    }
    SpdyStream stream = new SpdyStream(ctx.channel(), id, headers);
    if (closed || !active.admit(stream)) {
      ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
      return;
    }
    streams.put(id, stream);
    ctx.writeAndFlush(synReply(id));
    active.opened(stream);
  }

  /**
   * A SYN_REPLY with one header. Netty encodes a frame without headers with no header block at
   * all, not as a compressed zero count; Go's spdystream then fails to inflate it and never sees
   * the reply, so the client times out opening the stream. Kubernetes clients ignore reply headers.
   */
  static DefaultSpdySynReplyFrame synReply(int streamId) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(streamId);
    reply.headers().set(REPLY_HEADER, REPLY_VALUE);
    return reply;
  }

  /** Ends the session from the server side; safe from any thread, once. */
  void shutdown() {
    ctx.executor().execute(() -> {
      if (closed || !ctx.channel().isActive()) {
        return;
      }
      closed = true;
      for (SpdyStream stream : streams.values()) {
        stream.reset();
      }
      ctx.writeAndFlush(new DefaultSpdyGoAwayFrame(lastClientStreamId, SpdySessionStatus.OK));
      ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  /** Drops the connection at once (timeouts, protocol errors). */
  void abort() {
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    for (SpdyStream stream : streams.values()) {
      stream.resetByClient();
    }
    streams.clear();
    active.closed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Closing SPDY streaming connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
