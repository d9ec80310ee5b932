package dev.skiff.server.stream;

import dev.skiff.runtime.stream.PortConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Port forward over WebSocket v4 channels: the i-th port of the CRI request gets data channel
 * 2i and error channel 2i+1; each starts with the port as two little-endian bytes. One
 * connection per port, all at once; the session ends (Close 1000) when every one has ended.
 * crictl and critest send no ports, so for them this closes at once.
 */
final class WebSocketPortForward extends WebSocketSession {
  private final StreamContext context;
  private final PendingStream.PortForward request;
  private final ChannelFraming framing;
  private final List<Forward> forwards = new ArrayList<>();

  WebSocketPortForward(StreamContext context, PendingStream.PortForward request, boolean base64) {
    this.context = context;
    this.request = request;
    this.framing = new ChannelFraming(base64);
  }

  @Override
  void start() {
    ReadPause readPause = new ReadPause(ctx.channel());
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < request.ports().size(); i++) {
      Forward forward = new Forward(2 * i, request.ports().get(i), new InboundPipe(readPause, context.io()));
      forwards.add(forward);
      int port = forward.port;
      byte[] portBytes = {(byte) port, (byte) (port >> 8)};
      ctx.write(framing.encode(forward.dataChannel, Unpooled.wrappedBuffer(portBytes)));
      ctx.write(framing.encode(forward.dataChannel + 1, Unpooled.wrappedBuffer(portBytes.clone())));
      done.add(forward.done);
    }
    ctx.flush();
    forwards.forEach(forward -> context.io().execute(forward::run));
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> finish());
  }

  @Override
  void message(WebSocketFrame frame) {
    ChannelFraming.Message message = framing.decode(frame, ctx.alloc());
    if (message == null) {
      return;
    }
    int channel = message.channel();
    if (channel % 2 == 0 && channel / 2 < forwards.size()) {
      forwards.get(channel / 2).toPod.offer(message.payload());
    } else {
      message.payload().release();
    }
  }

  @Override
  void disconnected() {
    forwards.forEach(Forward::close);
  }

  private final class Forward {
    private final int dataChannel;
    private final int port;
    private final InboundPipe toPod;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile PortConnection connection;
    private volatile boolean closed;

    Forward(int dataChannel, int port, InboundPipe toPod) {
      this.dataChannel = dataChannel;
      this.port = port;
      this.toPod = toPod;
    }

    void run() {
      PortConnection opened;
      try {
        opened = context.backend().connectPort(request.podId(), port);
      } catch (IOException | RuntimeException e) {
        String text = "error forwarding port " + port + " to pod " + request.podId() + ", uid : " + e.getMessage();
        try {
          writeBlocking(framing.encode(dataChannel + 1, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
          // The client is gone.
        }
        toPod.discard();
        done.complete(null);
        return;
      }
      connection = opened;
      if (closed) {
        opened.close();
        done.complete(null);
        return;
      }
      toPod.connect(opened.output());
      OutboundStream toClient = new OutboundStream() {
        @Override
        public void write(ByteBuf data) throws IOException {
          writeBlocking(framing.encode(dataChannel, data));
        }

        @Override
        public void close() {}
      };
      OutputPump.start(opened.input(), toClient, context.io()).whenComplete((ignored, failure) -> {
        opened.close();
        toPod.discard();
        done.complete(null);
      });
    }

    void close() {
      closed = true;
      toPod.discard();
      PortConnection current = connection;
      if (current != null) {
        current.close();
      }
    }
  }
}
