package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.runtime.stream.TerminalSize;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streaming server end to end on loopback, driven by Netty SPDY and WebSocket clients
 * that speak as client-go does, against host processes standing in for containers.
 */
class StreamServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLIENT_GO_PROTOCOLS =
      List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
  private static final Stdio OUT_ERR = new Stdio(false, true, true, false);
  private static final Stdio IN_OUT_ERR = new Stdio(true, true, true, false);

  private static HostProcessBackend backend;
  private static StreamServer server;
  private static EventLoopGroup clients;
  private static EchoServer echo;

  @BeforeAll
  static void start() throws IOException {
    backend = new HostProcessBackend();
    server = StreamServer.start(InetAddress.getLoopbackAddress(), 0, Duration.ofMinutes(1), null, backend,
        Duration.ofSeconds(2), Duration.ZERO);
    clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    echo = new EchoServer();
  }

  @AfterAll
  static void stop() throws IOException {
    echo.close();
    clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    server.close();
  }

  // --- URLs and tokens ---

  @Test
  void urlIsAbsoluteOnTheListenAddress() throws Exception {
    String url = server.urlFor(exec(OUT_ERR, "true"));
    assertTrue(url.matches("http://127\\.0\\.0\\.1:" + server.address().getPort() + "/exec/[A-Za-z0-9_-]{22}"), url);
  }

  @Test
  void reusedTokenIs404AndUnknownPathIs404() throws Exception {
    String url = server.urlFor(exec(OUT_ERR, "true"));
    try (SpdyTestClient first = spdy(url)) {
      assertEquals(101, first.upgrade.get().status());
    }
    try (SpdyTestClient second = spdy(url)) {
      SpdyTestClient.Upgrade answer = second.upgrade.get();
      assertEquals(404, answer.status());
      assertTrue(answer.body().contains("unknown, expired or already used"), answer.body());
    }
    try (SpdyTestClient other = spdy(server.baseUrl() + "/shell/abc")) {
      assertEquals(404, other.upgrade.get().status());
    }
  }

  @Test
  void tokenOfAnotherEndpointIs404AndIsGoneAfterwards() throws Exception {
    String url = server.urlFor(exec(OUT_ERR, "true"));
    try (SpdyTestClient wrong = spdy(url.replace("/exec/", "/attach/"))) {
      assertEquals(404, wrong.upgrade.get().status());
    }
    try (SpdyTestClient right = spdy(url)) {
      assertEquals(404, right.upgrade.get().status());
    }
  }

  // --- SPDY remotecommand ---

  @Test
  void spdyExecNegotiatesV4AndDeliversStdoutStderrAndSuccess() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(OUT_ERR, "sh", "-c", "printf out; printf err >&2")))) {
      SpdyTestClient.Upgrade upgrade = client.upgrade.get();
      assertEquals(101, upgrade.status());
      assertEquals("v4.channel.k8s.io", upgrade.header("X-Stream-Protocol-Version"));
      assertEquals("SPDY/3.1", upgrade.header("Upgrade"));
      int error = client.openAndWait(type("error"));
      int stdout = client.openAndWait(type("stdout"));
      int stderr = client.openAndWait(type("stderr"));
      assertEquals("fin", client.awaitEnd(stdout));
      assertEquals("fin", client.awaitEnd(stderr));
      assertEquals("fin", client.awaitEnd(error));
      assertEquals("out", client.stream(stdout).text());
      assertEquals("err", client.stream(stderr).text());
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
      assertEquals(stderr, client.goAway.get(10, TimeUnit.SECONDS));
      client.closed.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void spdyExecNonZeroExitIsAnExitCodeCause() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(OUT_ERR, "sh", "-c", "exit 3")))) {
      int error = client.openAndWait(type("error"));
      client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.awaitEnd(error);
      JsonNode status = JSON.readTree(client.stream(error).bytes());
      assertEquals("Failure", status.get("status").asText());
      assertEquals("NonZeroExitCode", status.get("reason").asText());
      JsonNode cause = status.get("details").get("causes").get(0);
      assertEquals("ExitCode", cause.get("reason").asText());
      assertEquals("3", cause.get("message").asText());
    }
  }

  @Test
  void spdyStdinEofReachesTheProcess() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(IN_OUT_ERR, "cat")))) {
      int error = client.openAndWait(type("error"));
      int stdin = client.openAndWait(type("stdin"));
      int stdout = client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.send(stdin, "hello ");
      client.send(stdin, "world\n");
      client.fin(stdin);
      assertEquals("fin", client.awaitEnd(stdout));
      assertEquals("hello world\n", client.stream(stdout).text());
      client.awaitEnd(error);
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
    }
  }

  @Test
  void spdyOutputBeyondTheSpdyWindowIsNotStalled() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(OUT_ERR, "head", "-c", "1000000", "/dev/zero")))) {
      int error = client.openAndWait(type("error"));
      int stdout = client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.awaitEnd(stdout);
      assertEquals(1_000_000, client.stream(stdout).bytes().length);
      client.awaitEnd(error);
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
    }
  }

  @Test
  void spdyTtyOpensNoStderrAndDeliversResizes() throws Exception {
    backend.resizes.clear();
    Stdio tty = new Stdio(true, true, false, true);
    try (SpdyTestClient client = spdy(server.urlFor(exec(tty, "sh", "-c", "read line; echo got $line; echo e >&2")))) {
      int error = client.openAndWait(type("error"));
      int stdin = client.openAndWait(type("stdin"));
      int stdout = client.openAndWait(type("stdout"));
      int resize = client.openAndWait(type("resize"));
      // Chunked oddly, as a stream of objects may arrive. Sizes sent before the process runs
      // collapse into the latest, so wait for the first before sending more.
      client.send(resize, "{\"Width\":80,\"He");
      client.send(resize, "ight\":24}\n");
      assertEquals(new TerminalSize(80, 24), backend.resizes.poll(10, TimeUnit.SECONDS));
      client.send(resize, "{\"width\":100,\"height\":0}\n{\"Width\":132,\"Height\":43}\n");
      assertEquals(new TerminalSize(132, 43), backend.resizes.poll(10, TimeUnit.SECONDS));
      client.send(stdin, "x\n");
      client.awaitEnd(stdout);
      // The process exited although the client never ended stdin.
      assertEquals("got x\ne\n", client.stream(stdout).text());
      client.awaitEnd(error);
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
    }
  }

  @Test
  void spdyV2IsNegotiatedWhenOfferedAndErrorsAreText() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(OUT_ERR, "sh", "-c", "exit 4")),
        List.of("v2.channel.k8s.io"))) {
      assertEquals("v2.channel.k8s.io", client.upgrade.get().header("X-Stream-Protocol-Version"));
      int error = client.openAndWait(type("error"));
      client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.awaitEnd(error);
      String text = client.stream(error).text();
      assertTrue(text.startsWith("command terminated with non-zero exit code"), text);
      assertTrue(text.endsWith("exit code 4"), text);
    }
  }

  @Test
  void spdyBadProtocolHeadersAre400Or403() throws Exception {
    try (SpdyTestClient none = spdy(server.urlFor(exec(OUT_ERR, "true")), List.of())) {
      assertEquals(400, none.upgrade.get().status());
    }
    try (SpdyTestClient unknown = spdy(server.urlFor(exec(OUT_ERR, "true")), List.of("v9.channel.k8s.io"))) {
      SpdyTestClient.Upgrade answer = unknown.upgrade.get();
      assertEquals(403, answer.status());
      assertTrue(answer.head().contains("X-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io"), answer.head());
    }
  }

  @Test
  void spdyPingsAreEchoed() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(IN_OUT_ERR, "cat")))) {
      client.ping(1);
      assertEquals(1, client.pings.poll(10, TimeUnit.SECONDS));
      int stdin = client.openAndWait(type("stdin"));
      client.openAndWait(type("error"));
      client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.fin(stdin);
      client.closed.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void spdyClientThatNeverOpensItsStreamsIsDroppedAfterTheTimeout() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(IN_OUT_ERR, "cat")))) {
      client.openAndWait(type("error"));
      client.goAway.get(10, TimeUnit.SECONDS);
      client.closed.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void spdyExecFailureIsAnInternalErrorStatus() throws Exception {
    PendingStream missing = new PendingStream.Exec("missing", List.of("true"), OUT_ERR);
    try (SpdyTestClient client = spdy(server.urlFor(missing))) {
      int error = client.openAndWait(type("error"));
      client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.awaitEnd(error);
      JsonNode status = JSON.readTree(client.stream(error).bytes());
      assertEquals("InternalError", status.get("reason").asText());
      assertTrue(status.get("message").asText().contains("container missing is gone"), status.toString());
    }
  }

  @Test
  void spdyLargeStdinIsCarriedWithBackpressure() throws Exception {
    byte[] chunk = new byte[32 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'z');
    int chunks = 128;
    try (SpdyTestClient client = spdy(server.urlFor(exec(IN_OUT_ERR, "sh", "-c", "sleep 1; cat")))) {
      int error = client.openAndWait(type("error"));
      int stdin = client.openAndWait(type("stdin"));
      int stdout = client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      for (int i = 0; i < chunks; i++) {
        client.send(stdin, chunk);
      }
      client.fin(stdin);
      client.awaitEnd(stdout);
      assertEquals(chunks * chunk.length, client.stream(stdout).bytes().length);
      client.awaitEnd(error);
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
    }
  }

  @Test
  void spdyAttachReportsSuccessWithoutAnExitCode() throws Exception {
    PendingStream attach = new PendingStream.Attach("read x; echo got $x; exit 5", IN_OUT_ERR);
    String url = server.urlFor(attach);
    assertTrue(url.contains("/attach/"), url);
    try (SpdyTestClient client = spdy(url)) {
      int error = client.openAndWait(type("error"));
      int stdin = client.openAndWait(type("stdin"));
      int stdout = client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.send(stdin, "hello\n");
      client.fin(stdin);
      client.awaitEnd(stdout);
      assertEquals("got hello\n", client.stream(stdout).text());
      client.awaitEnd(error);
      assertEquals("{\"status\":\"Success\"}", client.stream(error).text());
    }
  }

  // --- WebSocket remotecommand ---

  @Test
  void webSocketV5ExecFramesChannelsStatusAndClose1000() throws Exception {
    String url = server.urlFor(exec(OUT_ERR, "sh", "-c", "printf out; printf err >&2; exit 2"));
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, url, "v5.channel.k8s.io")) {
      assertEquals("v5.channel.k8s.io", client.subprotocol());
      assertArrayEquals(new byte[] {1}, client.next().bytes());
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      JsonNode status = null;
      while (status == null) {
        WebSocketTestClient.Message message = client.next();
        assertFalse(message.text());
        String payload = new String(message.bytes(), 1, message.bytes().length - 1, StandardCharsets.UTF_8);
        switch (message.bytes()[0]) {
          case 1 -> out.append(payload);
          case 2 -> err.append(payload);
          case 3 -> status = JSON.readTree(payload);
          default -> throw new AssertionError("unexpected channel " + message.bytes()[0]);
        }
      }
      assertEquals("out", out.toString());
      assertEquals("err", err.toString());
      assertEquals("2", status.get("details").get("causes").get(0).get("message").asText());
      assertEquals(1000, client.closeCode.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void webSocketV5CloseSignalIsStdinEof() throws Exception {
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(exec(IN_OUT_ERR, "cat")),
        "v5.channel.k8s.io")) {
      assertArrayEquals(new byte[] {1}, client.next().bytes());
      client.sendBinary(0, "abc");
      client.sendBinary((byte) 255, (byte) 0);
      assertArrayEquals(new byte[] {1, 'a', 'b', 'c'}, client.next().bytes());
      assertEquals("{\"status\":\"Success\"}", new String(client.next().bytes(), 1, 20, StandardCharsets.UTF_8));
      assertEquals(1000, client.closeCode.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void webSocketResizeChannelIsDelivered() throws Exception {
    backend.resizes.clear();
    Stdio tty = new Stdio(true, true, false, true);
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(exec(tty, "cat")),
        "v5.channel.k8s.io")) {
      client.next();
      client.sendBinary(4, "{\"Width\":100,\"Height\":30}\n");
      assertEquals(new TerminalSize(100, 30), backend.resizes.poll(10, TimeUnit.SECONDS));
      client.sendBinary((byte) 255, (byte) 0);
      client.closeCode.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void webSocketBase64UsesTextMessagesWithAsciiChannels() throws Exception {
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(exec(IN_OUT_ERR, "cat")),
        "v4.base64.channel.k8s.io")) {
      assertEquals("v4.base64.channel.k8s.io", client.subprotocol());
      WebSocketTestClient.Message hello = client.next();
      assertTrue(hello.text());
      assertEquals("1", hello.asText());
      client.sendText("0" + Base64.getEncoder().encodeToString("ls\n".getBytes(StandardCharsets.UTF_8)));
      client.sendText("0!!not base64!!");
      assertEquals("1bHMK", client.next().asText());
      // v4 has no close signal: end the session by closing the connection; cat sees EOF.
      client.close();
      Process cat = lastStarted();
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat did not see stdin EOF");
    }
  }

  @Test
  void webSocketWithoutSubprotocolUsesBinaryChannelsAndTextErrors() throws Exception {
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients,
        server.urlFor(exec(OUT_ERR, "sh", "-c", "exit 3")), null)) {
      assertEquals("", client.subprotocol());
      assertArrayEquals(new byte[] {1}, client.next().bytes());
      WebSocketTestClient.Message status = client.next();
      assertEquals(3, status.bytes()[0]);
      String text = new String(status.bytes(), 1, status.bytes().length - 1, StandardCharsets.UTF_8);
      assertTrue(text.startsWith("command terminated with non-zero exit code"), text);
      assertEquals(1000, client.closeCode.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void webSocketUnknownSubprotocolIs403() throws Exception {
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(exec(OUT_ERR, "true")),
        "v9.channel.k8s.io")) {
      assertEquals(403, client.handshake.get());
    }
  }

  // --- Port forward ---

  @Test
  void spdyPortForwardPairsByRequestIdAndABadPortFailsOnlyItsPair() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(portForward()), List.of("portforward.k8s.io"))) {
      assertEquals("portforward.k8s.io", client.upgrade.get().header("X-Stream-Protocol-Version"));
      int deadPort = unusedPort();
      int badError = client.openAndWait(pf("error", deadPort, 0));
      int badData = client.openAndWait(pf("data", deadPort, 0));
      int goodError = client.openAndWait(pf("error", echo.port(), 1));
      client.fin(goodError);
      int goodData = client.openAndWait(pf("data", echo.port(), 1));
      client.send(goodData, "ping over spdy");
      client.fin(goodData);
      assertEquals("rst", client.awaitEnd(badData));
      String failure = client.stream(badError).text();
      assertTrue(failure.startsWith("error forwarding port " + deadPort + " to pod pod-1"), failure);
      assertEquals("fin", client.awaitEnd(goodData));
      assertEquals("ping over spdy", client.stream(goodData).text());
      assertEquals("fin", client.awaitEnd(goodError));
      assertEquals("", client.stream(goodError).text());
      client.reset(goodData);
    }
  }

  @Test
  void spdyPortForwardRefusesStreamsWithoutAValidPort() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(portForward()), List.of("portforward.k8s.io"))) {
      int noPort = client.open(Map.of("streamtype", "data", "requestid", "0"));
      assertFalse(client.stream(noPort).replied.get(10, TimeUnit.SECONDS));
      int zero = client.open(pf("data", 0, 1));
      assertFalse(client.stream(zero).replied.get(10, TimeUnit.SECONDS));
      int badType = client.open(Map.of("streamtype", "stdout", "port", "80", "requestid", "2"));
      assertFalse(client.stream(badType).replied.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void tunnelledSpdyPortForwardOverWebSocket() throws Exception {
    try (WebSocketTestClient ws = WebSocketTestClient.connect(clients, server.urlFor(portForward()),
        "SPDY/3.1+portforward.k8s.io")) {
      assertEquals("SPDY/3.1+portforward.k8s.io", ws.subprotocol());
      SpdyTestClient client = SpdyTestClient.over(ws.tunnel());
      int error = client.openAndWait(pf("error", echo.port(), 0));
      client.fin(error);
      int data = client.openAndWait(pf("data", echo.port(), 0));
      client.send(data, "through the tunnel");
      client.fin(data);
      assertEquals("fin", client.awaitEnd(data));
      assertEquals("through the tunnel", client.stream(data).text());
      assertEquals("fin", client.awaitEnd(error));
    }
  }

  @Test
  void webSocketV4PortForwardPrefixesPortsAndReportsErrorsPerPort() throws Exception {
    int deadPort = unusedPort();
    PendingStream request = new PendingStream.PortForward("pod-1", List.of(echo.port(), deadPort));
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(request),
        "v4.channel.k8s.io")) {
      byte[] echoPort = {(byte) echo.port(), (byte) (echo.port() >> 8)};
      byte[] dead = {(byte) deadPort, (byte) (deadPort >> 8)};
      assertArrayEquals(new byte[] {0, echoPort[0], echoPort[1]}, client.next().bytes());
      assertArrayEquals(new byte[] {1, echoPort[0], echoPort[1]}, client.next().bytes());
      assertArrayEquals(new byte[] {2, dead[0], dead[1]}, client.next().bytes());
      assertArrayEquals(new byte[] {3, dead[0], dead[1]}, client.next().bytes());
      client.sendBinary(0, "hi");
      String echoed = "";
      String error = "";
      while (echoed.length() < 2 || error.isEmpty()) {
        WebSocketTestClient.Message message = client.next();
        String payload = new String(message.bytes(), 1, message.bytes().length - 1, StandardCharsets.UTF_8);
        if (message.bytes()[0] == 0) {
          echoed += payload;
        } else if (message.bytes()[0] == 3) {
          error += payload;
        }
      }
      assertEquals("hi", echoed);
      assertTrue(error.contains("error forwarding port " + deadPort), error);
    }
  }

  // --- Resources ---

  @Test
  void sessionsReleaseTheirFdsAndThreads() throws Exception {
    runOneOfEach();
    long fdsBefore = settledFds();
    for (int i = 0; i < 5; i++) {
      runOneOfEach();
    }
    long fdsAfter = settledFds();
    // Lower is fine: connections of earlier tests may still have been closing at the baseline.
    assertTrue(fdsAfter <= fdsBefore, "fds left open by streaming sessions: " + fdsBefore + " -> " + fdsAfter);
    assertEquals(0, ioThreads(), "streaming I/O threads still alive");
  }

  /** The fd count once no I/O thread is alive and the count held still for a second. */
  private static long settledFds() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = openFds();
      if (now == last && ioThreads() == 0) {
        return now;
      }
      last = now;
      Thread.sleep(1000);
    }
    return openFds();
  }

  private void runOneOfEach() throws Exception {
    try (SpdyTestClient client = spdy(server.urlFor(exec(IN_OUT_ERR, "cat")))) {
      int stdin = client.openAndWait(type("stdin"));
      int error = client.openAndWait(type("error"));
      client.openAndWait(type("stdout"));
      client.openAndWait(type("stderr"));
      client.send(stdin, "x");
      client.fin(stdin);
      client.awaitEnd(error);
    }
    try (WebSocketTestClient client = WebSocketTestClient.connect(clients, server.urlFor(exec(OUT_ERR, "echo", "hi")),
        "v5.channel.k8s.io")) {
      client.closed.get(10, TimeUnit.SECONDS);
    }
    try (SpdyTestClient client = spdy(server.urlFor(portForward()), List.of("portforward.k8s.io"))) {
      int error = client.openAndWait(pf("error", echo.port(), 0));
      client.fin(error);
      int data = client.openAndWait(pf("data", echo.port(), 0));
      client.send(data, "x");
      client.fin(data);
      client.awaitEnd(data);
      client.reset(data);
      client.awaitEnd(error);
    }
    // A client that vanishes mid-session: cat must see EOF and exit.
    backend.started.clear();
    SpdyTestClient vanishing = spdy(server.urlFor(exec(IN_OUT_ERR, "cat")));
    vanishing.openAndWait(type("error"));
    vanishing.openAndWait(type("stdin"));
    vanishing.openAndWait(type("stdout"));
    vanishing.openAndWait(type("stderr"));
    Process cat = backend.started.poll(10, TimeUnit.SECONDS);
    assertNotNull(cat);
    vanishing.close();
    assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat did not see stdin EOF after the client vanished");
  }

  // --- helpers ---

  private static SpdyTestClient spdy(String url) throws Exception {
    return spdy(url, CLIENT_GO_PROTOCOLS);
  }

  private static SpdyTestClient spdy(String url, List<String> protocols) throws Exception {
    return SpdyTestClient.connect(clients, url, "POST", protocols, Map.of());
  }

  private static PendingStream exec(Stdio stdio, String... command) {
    return new PendingStream.Exec("ctr-1", List.of(command), stdio);
  }

  private static PendingStream portForward() {
    return new PendingStream.PortForward("pod-1", List.of());
  }

  private static Map<String, String> type(String streamType) {
    return Map.of("streamtype", streamType);
  }

  private static Map<String, String> pf(String streamType, int port, int requestId) {
    return Map.of("streamtype", streamType, "port", Integer.toString(port), "requestid", Integer.toString(requestId));
  }

  private static Process lastStarted() throws InterruptedException {
    Process last = null;
    Process next;
    while ((next = backend.started.poll(100, TimeUnit.MILLISECONDS)) != null) {
      last = next;
    }
    return last;
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("skiff-stream-io-")).count();
  }

  /** Echoes each connection's bytes until the client half-closes, then closes. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;

    EchoServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::acceptLoop, "test-echo");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          Thread worker = new Thread(() -> echo(connection), "test-echo-conn");
          worker.setDaemon(true);
          worker.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void echo(Socket connection) {
      try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // The client reset; nothing to echo.
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
