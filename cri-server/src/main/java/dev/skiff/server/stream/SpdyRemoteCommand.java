package dev.skiff.server.stream;

import dev.skiff.runtime.stream.Stdio;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec or attach over SPDY (remotecommand v1..v4). The client opens one stream per channel,
 * named by its {@code streamtype} header; which ones to expect comes from the cached CRI
 * request, never from the client. The command starts once all have arrived, within the
 * stream-creation timeout started at the upgrade; the status goes on the error stream.
 */
final class SpdyRemoteCommand implements SpdySession.Handler, CommandStreams {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);

  private final SpdySession session;
  private final StreamContext context;
  private final RemoteCommandProtocol protocol;
  private final RemoteCommand command;
  private final InboundPipe stdin;
  private final Set<String> expected = new HashSet<>();
  private final Map<String, SpdyStream> byType = new HashMap<>();
  private final ScheduledFuture<?> timeout;
  private boolean started;

  SpdyRemoteCommand(SpdySession session, ChannelHandlerContext ctx, StreamContext context, PendingStream request,
      RemoteCommandProtocol protocol) {
    this.session = session;
    this.context = context;
    this.protocol = protocol;
    this.stdin = new InboundPipe(new ReadPause(ctx.channel()), context.io());
    this.command = new RemoteCommand(request, context.backend(), context.io(), this, stdin);
    Stdio stdio = command.stdio();
    expected.add("error");
    if (stdio.stdin()) {
      expected.add("stdin");
    }
    if (stdio.stdout()) {
      expected.add("stdout");
    }
    if (stdio.stderr() && !stdio.tty()) {
      expected.add("stderr");
    }
    if (stdio.tty() && protocol.hasResizeStream()) {
      expected.add("resize");
    }
    this.timeout = ctx.executor().schedule(() -> {
      LOG.warn("Timed out waiting for streams {} from {}; closing", expected, ctx.channel().remoteAddress());
      stdin.discard();
      session.shutdown();
    }, context.streamCreationTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean admit(SpdyStream stream) {
    // Upstream replies to every stream, even of unknown type; unknown ones are not counted.
    return true;
  }

  @Override
  public void opened(SpdyStream stream) {
    String type = stream.header("streamtype");
    if (started || type == null || !expected.contains(type) || byType.containsKey(type)) {
      return;
    }
    byType.put(type, stream);
    if (type.equals("stdin")) {
      stream.sink(new SpdyStream.Sink() {
        @Override
        public void data(ByteBuf data) {
          stdin.offer(data);
        }

        @Override
        public void end() {
          stdin.end();
        }
      });
    } else if (type.equals("resize")) {
      ResizeDecoder decoder = new ResizeDecoder(command::resize);
      stream.sink(new SpdyStream.Sink() {
        @Override
        public void data(ByteBuf data) {
          try {
            decoder.feed(ByteBufUtil.getBytes(data));
          } finally {
            data.release();
          }
        }

        @Override
        public void end() {}
      });
    }
    if (byType.keySet().equals(expected)) {
      started = true;
      timeout.cancel(false);
      command.start();
    }
  }

  @Override
  public void closed() {
    timeout.cancel(false);
    if (started) {
      command.clientGone();
    } else {
      stdin.discard();
    }
  }

  @Override
  public OutboundStream stdout() {
    return byType.get("stdout");
  }

  @Override
  public OutboundStream stderr() {
    return byType.get("stderr");
  }

  @Override
  public void finish(CommandOutcome outcome) {
    SpdyStream error = byType.get("error");
    byte[] status = StatusMessages.encode(outcome, protocol.jsonStatus());
    if (status.length > 0) {
      try {
        error.write(Unpooled.wrappedBuffer(status));
      } catch (IOException e) {
        LOG.debug("Could not send the status to {}: {}", session, e.toString());
      }
    }
    error.close();
    session.shutdown();
  }
}
