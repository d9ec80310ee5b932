package dev.skiff.server.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client-opened SPDY stream. Its inbound bytes go to a {@link Sink}; writes may come from
 * any thread; FIN and RST are sent at most once, and nothing is written after either.
 */
final class SpdyStream implements OutboundStream {
  /** Receives what the client sends on the stream; called on the event loop. */
  interface Sink {
    /** Takes ownership of {@code data}. */
    void data(ByteBuf data);

    /** FIN from the client. */
    void end();

    /** RST from the client, or the connection is gone. */
    default void reset() {
      end();
    }
  }

  static final Sink DISCARD = new Sink() {
    @Override
    public void data(ByteBuf data) {
      data.release();
    }

    @Override
    public void end() {}
  };

  private final Channel channel;
  private final int id;
  private final Map<String, String> headers;
  private final AtomicBoolean localClosed = new AtomicBoolean();
  private volatile Sink sink = DISCARD;
  private boolean remoteClosed;

  SpdyStream(Channel channel, int id, Map<String, String> headers) {
    this.channel = channel;
    this.id = id;
    this.headers = headers;
  }

  int id() {
    return id;
  }

  /** A request header by its lower-case name, or null. */
  String header(String name) {
    return headers.get(name);
  }

  void sink(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void write(ByteBuf data) throws IOException {
    if (localClosed.get()) {
      data.release();
      throw new IOException("SPDY stream " + id + " is closed");
    }
    ChannelWrites.writeBlocking(channel, new DefaultSpdyDataFrame(id, data));
  }

  /** FIN: an empty DATA frame with FLAG_FIN. */
  @Override
  public void close() {
    if (localClosed.compareAndSet(false, true)) {
      DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
      fin.setLast(true);
      channel.writeAndFlush(fin);
    }
  }

  void reset() {
    if (localClosed.compareAndSet(false, true)) {
      channel.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
    }
  }

  boolean localClosed() {
    return localClosed.get();
  }

  // Inbound, from SpdySession on the event loop.

  void received(ByteBuf data, boolean fin) {
    if (remoteClosed) {
      data.release();
      return;
    }
    if (data.isReadable()) {
      sink.data(data);
    } else {
      data.release();
    }
    if (fin) {
      remoteClosed = true;
      sink.end();
    }
  }

  void resetByClient() {
    // A reset stream must not be written to again.
    localClosed.set(true);
    if (!remoteClosed) {
      remoteClosed = true;
      sink.reset();
    }
  }
}
