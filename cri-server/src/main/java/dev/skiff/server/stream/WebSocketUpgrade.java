package dev.skiff.server.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 6455 handshake with the subprotocol chosen here: the first one the client lists that
 * this endpoint speaks, none if the client named none, and 403 if it named only others —
 * Netty's handshaker would silently accept without a subprotocol, which client-go rejects
 * later with a less useful error.
 */
final class WebSocketUpgrade {
  static final String TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
  // x/net's limit for one received message; gorilla fragments large writes, so aggregate.
  private static final int MAX_MESSAGE_BYTES = 32 << 20;

  private WebSocketUpgrade() {}

  static boolean isWebSocket(FullHttpRequest request) {
    return request.headers().get(HttpHeaderNames.UPGRADE, "").trim().equalsIgnoreCase("websocket")
        && HeaderLists.containsToken(request.headers(), HttpHeaderNames.CONNECTION, "upgrade");
  }

  static void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, StreamContext context, PendingStream pending,
      boolean tls) {
    if (!HttpMethod.GET.equals(request.method())) {
      HttpReplies.send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "a WebSocket upgrade must use GET");
      return;
    }
    List<String> offered = HeaderLists.values(request.headers(), HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    List<String> supported = supported(pending);
    String chosen = offered.isEmpty() ? "" : offered.stream().filter(supported::contains).findFirst().orElse(null);
    if (chosen == null) {
      HttpReplies.send(ctx, HttpResponseStatus.FORBIDDEN,
          "unable to upgrade: none of the offered subprotocols " + offered + " is supported; supported: " + supported);
      return;
    }
    String url = (tls ? "wss://" : "ws://") + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
        url, chosen.isEmpty() ? null : chosen, false, MAX_MESSAGE_BYTES).newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    ChannelHandler router = ctx.handler();
    ChannelPipeline pipeline = ctx.pipeline();
    handshaker.handshake(ctx.channel(), request).addListener(done -> {
      if (!done.isSuccess()) {
        ctx.close();
        return;
      }
      pipeline.addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
      if (chosen.equals(TUNNEL_PROTOCOL)) {
        PendingStream.PortForward forward = (PendingStream.PortForward) pending;
        pipeline.addAfter("ws-aggregator", "ws-tunnel", new WebSocketTunnel());
        pipeline.addAfter("ws-tunnel", "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        pipeline.addAfter("spdy-codec", "spdy-session",
            new SpdySession((session, sessionCtx) -> new SpdyPortForward(sessionCtx, context, forward)));
        pipeline.remove(router);
        return;
      }
      WebSocketSession session = pending instanceof PendingStream.PortForward forward
          ? new WebSocketPortForward(context, forward, chosen.equals("v4.base64.channel.k8s.io"))
          : new WebSocketRemoteCommand(context, pending, chosen.isEmpty()
              ? RemoteCommandProtocol.UNNAMED
              : RemoteCommandProtocol.ofWireName(chosen, RemoteCommandProtocol.WEBSOCKET));
      pipeline.addAfter("ws-aggregator", "ws-session", session);
      pipeline.remove(router);
      session.start();
    });
  }

  private static List<String> supported(PendingStream pending) {
    if (pending instanceof PendingStream.PortForward) {
      return List.of("v4.channel.k8s.io", "v4.base64.channel.k8s.io", TUNNEL_PROTOCOL);
    }
    List<String> names = new ArrayList<>();
    RemoteCommandProtocol.WEBSOCKET.forEach(protocol -> names.add(protocol.wireName()));
    return names;
  }
}
