package dev.skiff.server.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.List;

/**
 * The HTTP to SPDY/3.1 upgrade, with the reference server's answers: no
 * X-Stream-Protocol-Version → 400; no common protocol → 403 listing ours in
 * X-Accepted-Stream-Protocol-Versions; missing Connection/Upgrade tokens → 400. After the 101
 * the server sends nothing until the client's first frame (Go's client would lose bytes that
 * arrive together with the 101).
 */
final class SpdyUpgrade {
  static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
  static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";
  static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";

  private SpdyUpgrade() {}

  static void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, StreamContext context, PendingStream pending) {
    List<String> offered = HeaderLists.values(request.headers(), PROTOCOL_HEADER);
    if (offered.isEmpty()) {
      HttpReplies.send(ctx, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: " + PROTOCOL_HEADER + " header is missing");
      return;
    }
    List<String> supported = supported(pending);
    String chosen = offered.stream().filter(supported::contains).findFirst().orElse(null);
    if (chosen == null) {
      FullHttpResponse forbidden = HttpReplies.response(HttpResponseStatus.FORBIDDEN,
          "unable to upgrade: none of the offered protocols " + offered + " is supported; supported: " + supported);
      supported.forEach(protocol -> forbidden.headers().add(ACCEPTED_HEADER, protocol));
      HttpReplies.send(ctx, forbidden);
      return;
    }
    if (!HeaderLists.containsToken(request.headers(), HttpHeaderNames.CONNECTION, "upgrade")
        || !HeaderLists.containsToken(request.headers(), HttpHeaderNames.UPGRADE, "spdy/3.1")) {
      HttpReplies.send(ctx, HttpResponseStatus.BAD_REQUEST,
          "unable to upgrade: missing upgrade headers in request (Connection: Upgrade, Upgrade: SPDY/3.1)");
      return;
    }
    FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers()
        .set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
        .set(PROTOCOL_HEADER, chosen);
    ctx.writeAndFlush(switching);
    // The 101 is encoded by now; swap HTTP for SPDY. Removing the HTTP codec last hands any
    // bytes it already read on to the SPDY codec.
    SpdySession.HandlerFactory factory = pending instanceof PendingStream.PortForward forward
        ? (session, sessionCtx) -> new SpdyPortForward(sessionCtx, context, forward)
        : (session, sessionCtx) -> new SpdyRemoteCommand(session, sessionCtx, context, pending,
            RemoteCommandProtocol.ofWireName(chosen, RemoteCommandProtocol.SPDY));
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.addAfter(StreamServer.HTTP_CODEC, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    pipeline.addAfter("spdy-codec", "spdy-session", new SpdySession(factory));
    pipeline.remove(StreamServer.HTTP_AGGREGATOR);
    pipeline.remove(ctx.handler());
    pipeline.remove(StreamServer.HTTP_CODEC);
  }

  private static List<String> supported(PendingStream pending) {
    if (pending instanceof PendingStream.PortForward) {
      return List.of(PORT_FORWARD_PROTOCOL);
    }
    return RemoteCommandProtocol.SPDY.stream().map(RemoteCommandProtocol::wireName).toList();
  }
}
