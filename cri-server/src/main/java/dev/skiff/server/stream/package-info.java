/**
 * skiff's streaming server: what the URLs returned by {@code Exec}, {@code Attach} and
 * {@code PortForward} lead to. Protocol facts and their sources are in
 * {@code shared/reference/streaming-protocols.md}; this note records skiff's choices.
 *
 * <h2>Flow</h2>
 * <pre>
 *  RPC (rpc/stream/*Rpc)  validate → look up container/pod → check running/ready
 *        │ PendingStream (the whole CRI request, ids resolved)
 *        ▼
 *  StreamTokens  one-time token, TTL [streaming].token_ttl_seconds, ≤ 1000 waiting
 *        │ http(s)://address:port/{exec|attach|portforward}/{token}
 *        ▼
 *  StreamRouter (HTTP stage)  token consumed first, whatever happens next (404 if unknown,
 *        │                    expired, used, or of another endpoint)
 *        ├─ Upgrade: websocket → WebSocketUpgrade (subprotocol chosen here, 403 if none fits)
 *        │     ├─ exec/attach: WebSocketRemoteCommand  v5 / v4 / v4.base64 / channel / base64 / none
 *        │     ├─ portforward: WebSocketPortForward    v4 / v4.base64 / none (ports from the request)
 *        │     └─ portforward: WebSocketTunnel + SpdySession + SpdyPortForward (SPDY/3.1+portforward.k8s.io)
 *        └─ otherwise → SpdyUpgrade (X-Stream-Protocol-Version: 400 / 403 / 101)
 *              ├─ exec/attach: SpdySession + SpdyRemoteCommand  v4, v3, v2, channel.k8s.io
 *              └─ portforward: SpdySession + SpdyPortForward    portforward.k8s.io
 *        ▼
 *  RemoteCommand / port pairs ──▶ runtime-core StreamBackend = ContainerStreams
 *        ├─ exec:   skiff-shim exec-stream (ExecSync's entry path; frames on its stdin/stdout)
 *        ├─ attach: the container shim's attach.sock (same frames; output also to the CRI log)
 *        └─ connectPort: PodPortForwarder (a socket made inside the pod's netns)
 * </pre>
 * Wiring: {@code dev.skiff.server.Streaming} starts this server with the daemon; the lookups
 * from the container and pod stores are {@code rpc.stream.StoreLookups}.
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li><b>Own SPDY session, no flow control.</b> Netty's {@code SpdyFrameCodec} does framing and
 *       the shared zlib header contexts; {@link dev.skiff.server.stream.SpdySession} replaces
 *       {@code SpdySessionHandler}, whose 64 KiB windows would stall output to Go's spdystream
 *       (it never sends WINDOW_UPDATE). Backpressure is TCP alone: pump threads wait while the
 *       channel is unwritable; inbound pipes above 1 MiB pause reading the connection.</li>
 *   <li><b>Blocking streams, one thread each.</b> The backend hands plain Input/OutputStreams
 *       (a pty, a pipe, a shim socket, a pod socket); an elastic pool ({@code skiff-stream-io-*},
 *       idle threads end after 2 s) pumps them. Nothing blocks an event loop.</li>
 *   <li><b>SYN_REPLY carries one header</b> ({@code x-skiff-stream: accepted}): Netty encodes a
 *       reply without headers with no header block at all, which Go's spdystream cannot inflate
 *       (it never sees the reply and the client times out after 30 s).</li>
 *   <li><b>Expected streams come from the CRI request</b>, never from what the client opens
 *       (upstream rule); the process starts once they are all open, or the session is dropped
 *       after 30 s with GOAWAY.</li>
 *   <li><b>End of a session</b>: all output at EOF and the process exited → status (v4+: JSON
 *       Status, exit code as an {@code ExitCode} cause; older: text on failure) → SPDY: FIN error,
 *       RST the rest, GOAWAY / WebSocket: Close 1000 → wait up to 2 s for the client to close
 *       first, so unread input never turns our close into a TCP RST that truncates output.</li>
 *   <li><b>Client gone</b>: stdin EOF, then the session is closed (fds released; with a tty the
 *       pty master closes, which hangs up the terminal). The process is never killed.</li>
 *   <li><b>Beyond the reference server</b> (containerd, CRI-O): WebSocket v5 with the close-stdin
 *       signal (crictl -r websocket, critest --websocket-exec/attach) and the SPDY-over-WebSocket
 *       port-forward tunnel (critest --websocket-portforward). Tokens carry 128 random bits
 *       instead of 48.</li>
 *   <li><b>Port forward</b> pairs error+data streams by {@code requestid} (stream-id fallback); a
 *       failing pair gets its error text and an RST and nothing else is touched. The port comes
 *       from the stream's header, never from the CRI request.</li>
 * </ul>
 *
 * <h2>Idle connections</h2>
 * A connection on which nothing moved either way for {@code streaming.idle_timeout_seconds}
 * (4 h by default, as kubelet's and containerd's) is closed; the session cleans up as for a
 * client that vanished.
 */
package dev.skiff.server.stream;
