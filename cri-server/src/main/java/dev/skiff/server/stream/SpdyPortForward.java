package dev.skiff.server.stream;

import dev.skiff.runtime.stream.PortConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forward over SPDY ({@code portforward.k8s.io}, also tunnelled in a WebSocket). Per
 * forwarded client connection the client opens an error stream and a data stream carrying the
 * same {@code requestid} and {@code port}; once both are there, the data stream is joined to a
 * new connection to that port in the pod. A failure is written on that pair's error stream and
 * resets only that pair. The server always ends the error stream (client-go waits for it).
 */
final class SpdyPortForward implements SpdySession.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyPortForward.class);
  private static final long SECOND_DIRECTION_GRACE_MILLIS = 1000;

  private final ChannelHandlerContext ctx;
  private final StreamContext context;
  private final PendingStream.PortForward request;
  private final ReadPause readPause;
  private final Map<String, Pair> pairs = new HashMap<>();

  SpdyPortForward(ChannelHandlerContext ctx, StreamContext context, PendingStream.PortForward request) {
    this.ctx = ctx;
    this.context = context;
    this.request = request;
    this.readPause = new ReadPause(ctx.channel());
  }

  @Override
  public boolean admit(SpdyStream stream) {
    String type = stream.header("streamtype");
    if (portOf(stream) < 0 || !("error".equals(type) || "data".equals(type))) {
      LOG.debug("Refusing port-forward stream {}: streamtype={} port={}", stream.id(), type, stream.header("port"));
      return false;
    }
    Pair pair = pairs.get(pairKey(stream, type));
    // A second stream of a kind the pair already has is refused.
    return pair == null || ("data".equals(type) ? pair.data == null : pair.error == null);
  }

  @Override
  public void opened(SpdyStream stream) {
    String type = stream.header("streamtype");
    String key = pairKey(stream, type);
    Pair pair = pairs.computeIfAbsent(key, k -> new Pair(k));
    if ("data".equals(type)) {
      pair.data = stream;
      pair.port = portOf(stream);
      stream.sink(pair);
    } else {
      pair.error = stream;
    }
    if (pair.error != null && pair.data != null) {
      pair.timeout.cancel(false);
      context.io().execute(pair::connect);
    }
  }

  @Override
  public void closed() {
    List<Pair> all = new ArrayList<>(pairs.values());
    pairs.clear();
    for (Pair pair : all) {
      pair.timeout.cancel(false);
      pair.close();
    }
  }

  /** Pairs by requestID; clients too old to send one pair error stream N with data stream N+2. */
  private static String pairKey(SpdyStream stream, String type) {
    String requestId = stream.header("requestid");
    if (requestId != null) {
      return "r" + requestId;
    }
    return "s" + ("data".equals(type) ? stream.id() - 2 : stream.id());
  }

  private static int portOf(SpdyStream stream) {
    String text = stream.header("port");
    if (text == null || !text.matches("[0-9]{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : -1;
  }

  /** One forwarded connection: the client's two streams and the pod-side socket. */
  private final class Pair implements SpdyStream.Sink {
    private final String key;
    private final InboundPipe toPod = new InboundPipe(readPause, context.io());
    private final ScheduledFuture<?> timeout;
    private SpdyStream error;
    private SpdyStream data;
    private int port;
    private volatile PortConnection connection;
    private volatile boolean closed;

    Pair(String key) {
      this.key = key;
      this.timeout = ctx.executor().schedule(this::timedOut,
          context.streamCreationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void timedOut() {
      pairs.remove(key);
      SpdyStream errorStream = error;
      context.io().execute(() -> {
        if (errorStream != null) {
          writeQuietly(errorStream, "timed out waiting for streams of port-forward request " + key.substring(1));
        }
        close();
      });
    }

    /** On an I/O thread: the connect may block (it enters the pod's network namespace). */
    void connect() {
      PortConnection opened;
      try {
        opened = context.backend().connectPort(request.podId(), port);
      } catch (IOException | RuntimeException e) {
        String message = "error forwarding port " + port + " to pod " + request.podId() + ", uid : " + e.getMessage();
        LOG.info("Port forward failed: {}", message);
        writeQuietly(error, message);
        close();
        return;
      }
      connection = opened;
      if (closed) {
        opened.close();
        return;
      }
      toPod.connect(opened.output());
      OutputPump.start(opened.input(), data, context.io()).whenComplete((ignored, failure) -> {
        // Pod closed its side (data FIN sent by the pump): end the error stream, give the other
        // direction a moment to finish, then release the socket.
        error.close();
        ctx.executor().schedule(() -> {
          ctx.executor().execute(() -> pairs.remove(key, this));
          opened.close();
        }, SECOND_DIRECTION_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      });
    }

    /** Failure or connection loss: reset both streams and release everything. */
    void close() {
      closed = true;
      toPod.discard();
      if (error != null) {
        error.reset();
      }
      if (data != null) {
        data.reset();
      }
      PortConnection current = connection;
      if (current != null) {
        current.close();
      }
      ctx.executor().execute(() -> pairs.remove(key, this));
    }

    @Override
    public void data(ByteBuf bytes) {
      toPod.offer(bytes);
    }

    @Override
    public void end() {
      toPod.end();
    }

    @Override
    public void reset() {
      // The client resets the data stream once it has read everything it wants.
      closed = true;
      toPod.discard();
      PortConnection current = connection;
      if (current != null) {
        current.close();
      }
      if (error != null) {
        error.close();
      }
      pairs.remove(key, this);
    }

    private void writeQuietly(SpdyStream stream, String text) {
      try {
        stream.write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      } catch (IOException e) {
        LOG.debug("Could not report port-forward error: {}", e.toString());
      }
    }
  }
}
