package dev.skiff.server.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;

/**
 * The HTTP stage of every streaming connection: {@code /exec|attach|portforward/{token}} by GET
 * or POST; the token is consumed first (so it is gone even if the upgrade then fails, as
 * upstream), then the request is upgraded to WebSocket or to SPDY/3.1.
 */
final class StreamRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final StreamContext context;
  private final boolean tls;

  StreamRouter(StreamContext context, boolean tls) {
    this.context = context;
    this.tls = tls;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      HttpReplies.send(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    String[] parts = new QueryStringDecoder(request.uri()).path().split("/", -1);
    Endpoint endpoint = parts.length == 3 && parts[0].isEmpty() ? Endpoint.ofPath(parts[1]) : null;
    if (endpoint == null || parts[2].isEmpty()) {
      HttpReplies.send(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.POST.equals(request.method())) {
      HttpReplies.send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and POST are served");
      return;
    }
    Optional<PendingStream> pending = context.tokens().consume(parts[2], endpoint);
    if (pending.isEmpty()) {
      HttpReplies.send(ctx, HttpResponseStatus.NOT_FOUND,
          "streaming token for /" + endpoint.path() + " is unknown, expired or already used; ask for a new URL");
      return;
    }
    if (WebSocketUpgrade.isWebSocket(request)) {
      WebSocketUpgrade.upgrade(ctx, request, context, pending.get(), tls);
    } else {
      SpdyUpgrade.upgrade(ctx, request, context, pending.get());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
