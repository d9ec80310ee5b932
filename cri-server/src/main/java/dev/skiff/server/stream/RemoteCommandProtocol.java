package dev.skiff.server.stream;

import java.util.List;

/**
 * The remotecommand subprotocols skiff speaks, with what differs between them. Over SPDY the
 * reference server offers v4..v1 (clients list v5 first; v5 over SPDY is v4, so v4 is what
 * they get). Over WebSocket v5 is added: it is all that crictl -r websocket and critest's
 * --websocket-exec/attach offer.
 */
enum RemoteCommandProtocol {
  V5("v5.channel.k8s.io", Framing.BINARY, true, true, true),
  V4("v4.channel.k8s.io", Framing.BINARY, true, true, false),
  V4_BASE64("v4.base64.channel.k8s.io", Framing.BASE64, true, true, false),
  V3("v3.channel.k8s.io", Framing.BINARY, false, true, false),
  V2("v2.channel.k8s.io", Framing.BINARY, false, false, false),
  V1("channel.k8s.io", Framing.BINARY, false, false, false),
  V1_BASE64("base64.channel.k8s.io", Framing.BASE64, false, true, false),
  /** A WebSocket client that names no subprotocol: binary channels, text errors. */
  UNNAMED("", Framing.BINARY, false, true, false);

  enum Framing { BINARY, BASE64 }

  static final List<RemoteCommandProtocol> SPDY = List.of(V4, V3, V2, V1);
  static final List<RemoteCommandProtocol> WEBSOCKET = List.of(V5, V4, V4_BASE64, V1, V1_BASE64);

  private final String wireName;
  private final Framing framing;
  private final boolean jsonStatus;
  private final boolean resizeStream;
  private final boolean closeSignal;

  RemoteCommandProtocol(String wireName, Framing framing, boolean jsonStatus, boolean resizeStream, boolean closeSignal) {
    this.wireName = wireName;
    this.framing = framing;
    this.jsonStatus = jsonStatus;
    this.resizeStream = resizeStream;
    this.closeSignal = closeSignal;
  }

  String wireName() {
    return wireName;
  }

  Framing framing() {
    return framing;
  }

  /** v4 and later: a JSON Status on the error stream, also on success. */
  boolean jsonStatus() {
    return jsonStatus;
  }

  /** v3 and later over SPDY open a resize stream with a tty; WebSocket always has channel 4. */
  boolean hasResizeStream() {
    return resizeStream;
  }

  /** v5: the client half-closes a channel with {@code [0xFF, channel]}. */
  boolean closeSignal() {
    return closeSignal;
  }

  static RemoteCommandProtocol ofWireName(String name, List<RemoteCommandProtocol> among) {
    for (RemoteCommandProtocol protocol : among) {
      if (protocol.wireName.equals(name)) {
        return protocol;
      }
    }
    return null;
  }
}
