package dev.skiff.server.stream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a streaming connection on which nothing moved either way for the idle timeout
 * (kubelet's streaming server and containerd's stream_idle_timeout, 4 h by default). Closing
 * is what a vanished client looks like, so the session's own cleanup ends the exec or tunnel.
 */
final class IdleConnectionCloser extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(IdleConnectionCloser.class);

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      LOG.info("Closing idle streaming connection from {}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }
}
