package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.stream.Stdio;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle timeout: a quiet session is closed and its process ends; a talking one lives on. */
class StreamIdleTimeoutTest {
  private static final Stdio IN_OUT_ERR = new Stdio(true, true, true, false);
  private HostProcessBackend backend;
  private StreamServer server;
  private EventLoopGroup clients;

  @BeforeEach
  void start() throws Exception {
    backend = new HostProcessBackend();
    server = StreamServer.start(InetAddress.getLoopbackAddress(), 0, Duration.ofMinutes(1), null, backend,
        Duration.ofSeconds(5), Duration.ofMillis(1500));
    clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    server.close();
  }

  @Test
  void quietExecIsClosedAfterTheIdleTimeoutAndItsProcessEnds() throws Exception {
    try (SpdyTestClient client = open()) {
      Process cat = backend.started.poll(10, TimeUnit.SECONDS);
      assertNotNull(cat);
      long start = System.nanoTime();
      client.closed.get(10, TimeUnit.SECONDS);
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waitedMillis >= 1000, "closed after only " + waitedMillis + " ms");
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat outlived its idle connection");
    }
  }

  @Test
  void trafficKeepsTheConnectionOpenPastTheTimeout() throws Exception {
    try (SpdyTestClient client = open()) {
      Process cat = backend.started.poll(10, TimeUnit.SECONDS);
      assertNotNull(cat);
      for (int i = 0; i < 8; i++) {
        client.send(stdin, "x");
        Thread.sleep(500);
      }
      assertFalse(client.closed.isDone(), "closed although bytes kept moving");
      assertTrue(cat.isAlive());
      assertEquals("xxxxxxxx", client.stream(stdout).text());
    }
  }

  private int stdin;
  private int stdout;

  private SpdyTestClient open() throws Exception {
    SpdyTestClient client = SpdyTestClient.connect(clients, server.urlFor(new PendingStream.Exec("ctr-1",
        List.of("cat"), IN_OUT_ERR)), "POST", List.of("v4.channel.k8s.io"), Map.of());
    client.openAndWait(Map.of("streamtype", "error"));
    stdin = client.openAndWait(Map.of("streamtype", "stdin"));
    stdout = client.openAndWait(Map.of("streamtype", "stdout"));
    client.openAndWait(Map.of("streamtype", "stderr"));
    return client;
  }
}
