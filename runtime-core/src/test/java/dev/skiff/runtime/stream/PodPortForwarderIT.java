package dev.skiff.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real network namespace made for this test, with a listener on the namespace's own
 * loopback: the forwarder must reach it, and must not reach the host's loopback.
 */
class PodPortForwarderIT {
  private static final String NETNS = "skiff-pf-" + ProcessHandle.current().pid();
  private static final Path NETNS_PATH = Path.of("/run/netns", NETNS);
  private static final int PORT = 18080;
  // Reads one request to EOF, answers "got:" + request, then closes: proves half-close works.
  private static final String LISTENER = String.join("\n",
      "import socket",
      "s = socket.socket()",
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
      "s.bind(('127.0.0.1', " + PORT + "))",
      "s.listen(16)",
      "print('ready', flush=True)",
      "while True:",
      "    c, _ = s.accept()",
      "    data = b''",
      "    while True:",
      "        chunk = c.recv(65536)",
      "        if not chunk: break",
      "        data += chunk",
      "    c.sendall(b'got:' + data)",
      "    c.close()");

  private static Process listener;

  @BeforeAll
  static void createNamespaceWithListener() throws Exception {
    run("ip", "netns", "add", NETNS);
    run("ip", "-n", NETNS, "link", "set", "lo", "up");
    listener = new ProcessBuilder("nsenter", "--net=" + NETNS_PATH, "python3", "-c", LISTENER)
        .redirectErrorStream(true).start();
    InputStream out = listener.getInputStream();
    byte[] ready = out.readNBytes(6);
    assertEquals("ready\n", new String(ready, StandardCharsets.UTF_8), "listener did not start");
  }

  @AfterAll
  static void removeNamespace() throws Exception {
    if (listener != null) {
      listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (Files.exists(NETNS_PATH)) {
      run("ip", "netns", "del", NETNS);
    }
  }

  @Test
  void reachesTheListenerOnThePodLoopbackAndHalfCloses() throws IOException {
    PodPortForwarder forwarder = new PodPortForwarder(NETNS_PATH);
    try (PortConnection connection = forwarder.connect(PORT)) {
      connection.output().write("hello".getBytes(StandardCharsets.UTF_8));
      connection.output().close();
      String answer = new String(connection.input().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals("got:hello", answer);
    }
  }

  @Test
  void manyConcurrentConnections() throws Exception {
    PodPortForwarder forwarder = new PodPortForwarder(NETNS_PATH);
    List<PortConnection> connections = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        connections.add(forwarder.connect(PORT));
      }
      for (int i = 0; i < connections.size(); i++) {
        connections.get(i).output().write(("n" + i).getBytes(StandardCharsets.UTF_8));
        connections.get(i).output().close();
      }
      for (int i = 0; i < connections.size(); i++) {
        assertEquals("got:n" + i, new String(connections.get(i).input().readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      connections.forEach(PortConnection::close);
    }
  }

  @Test
  void hostLoopbackListenerIsNotReachable() throws IOException {
    try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PodPortForwarder forwarder = new PodPortForwarder(NETNS_PATH);
      ConnectException e = assertThrows(ConnectException.class, () -> forwarder.connect(host.getLocalPort()));
      assertTrue(e.getMessage().contains("localhost:" + host.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains(NETNS), e.getMessage());
      // The calling thread stayed in the host namespace.
      try (Socket direct = new Socket(InetAddress.getLoopbackAddress(), host.getLocalPort())) {
        assertTrue(direct.isConnected());
      }
    }
  }

  @Test
  void missingNamespaceIsNamed() {
    PodPortForwarder forwarder = new PodPortForwarder(Path.of("/run/netns/skiff-pf-missing-" + NETNS));
    IOException e = assertThrows(IOException.class, () -> forwarder.connect(PORT));
    assertTrue(e.getMessage().contains("skiff-pf-missing"), e.getMessage());
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
