package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exec, Attach and PortForward end to end with the real crictl against skiffd in a private
 * network namespace: the RPC hands out a URL of skiff's streaming server, crictl speaks SPDY
 * (or WebSocket with -r websocket) to it, the shim runs or attaches to the process.
 */
class StreamingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;
  private static Path podConfig;
  private static String pod;
  private static String sleeper;

  @BeforeAll
  static void start() throws Exception {
    env = BusyboxSkiffd.start("stream", "");
    skiffd = env.skiffd();
    podConfig = PodConfigs.write(skiffd, "streams", "");
    pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    sleeper = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("sleeper", "sleep", "1000"));
    awaitState(skiffd, sleeper, "CONTAINER_RUNNING", 10);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** crictl against this skiffd, inside its namespace, run interactively. */
  private static LiveCommand crictl(String... args) {
    List<String> command = new ArrayList<>(List.of(Tools.tool("crictl").toString(),
        "--runtime-endpoint", skiffd.endpoint(), "--image-endpoint", skiffd.endpoint(), "--timeout", "60s"));
    command.addAll(List.of(args));
    return LiveCommand.start(env.netns().wrap(command));
  }

  @Test
  void execPipesStdinAndReportsTheExitCode() throws Exception {
    for (String transport : List.of("spdy", "websocket")) {
      try (LiveCommand exec = crictl("exec", "-r", transport, "-i", sleeper, "sh", "-c", "cat; echo done; exit 3")) {
        exec.write("hello\n");
        exec.awaitStdout("hello\n", WAIT);
        exec.closeStdin();
        int code = exec.awaitExit(WAIT);
        assertEquals("hello\ndone\n", exec.stdout(), transport);
        // crictl exits 1 and names the command's code.
        assertEquals(1, code, transport + ": " + exec.stderr());
        assertTrue(exec.stderr().contains("command terminated with exit code 3"), transport + ": " + exec.stderr());
      }
    }
  }

  @Test
  void execSeparatesStdoutAndStderrAndCarriesLargeOutput() throws Exception {
    CommandResult result = skiffd.crictl("exec", sleeper, "sh", "-c", "echo out; echo err >&2; head -c 1000000 /dev/zero | tr '\\0' x");
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(1_000_004, result.stdout().length());
    assertTrue(result.stdout().startsWith("out\nxxx"));
    assertTrue(result.stderr().contains("err"), result.stderr());
  }

  @Test
  void execWithATerminalIsInteractiveAndSized() throws Exception {
    // crictl wants a terminal for -t: script gives it one, sized with stty.
    String crictl = String.join(" ", Tools.tool("crictl").toString(), "--runtime-endpoint", skiffd.endpoint(),
        "exec", "-it", sleeper, "sh");
    List<String> command = env.netns().wrap(List.of("script", "-qec", "stty rows 33 cols 111; " + crictl, "/dev/null"));
    try (LiveCommand tty = LiveCommand.start(command)) {
      tty.write("tty; stty size\n");
      tty.awaitStdout("33 111", WAIT);
      tty.write("exit 4\n");
      tty.awaitExit(WAIT);
      assertTrue(tty.stdout().contains("command terminated with exit code 4"), tty.stdout());
      assertTrue(tty.stdout().contains("/dev/pts/0"), tty.stdout());
    }
  }

  @Test
  void aClientThatVanishesLeavesTheProcessStdinAtEofAndItRuns() throws Exception {
    LiveCommand exec = crictl("exec", "-i", sleeper, "sh", "-c", "echo started; cat; echo eof > /tmp/vanished");
    exec.awaitStdout("started", WAIT);
    exec.close(); // crictl killed mid-session: skiffd sees the connection drop
    long deadline = System.nanoTime() + WAIT.toNanos();
    String marker = "";
    while (!marker.contains("eof") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      marker = skiffd.crictl("exec", "-s", sleeper, "sh", "-c", "cat /tmp/vanished 2>/dev/null || true").stdout();
    }
    assertEquals("eof", marker.strip());
  }

  @Test
  void execInAnUnknownContainerIsNotFound() {
    CommandResult result = skiffd.crictl("exec", "no-such-container", "true");
    assertTrue(result.exitCode() != 0);
    assertTrue(result.stderr().contains("NotFound") || result.stderr().contains("not found"), result.stderr());
  }

  @Test
  void attachStreamsTheContainersOutput() throws Exception {
    String ticker = ContainerConfigsJson.run(skiffd, pod, podConfig,
        busybox("ticker", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"));
    awaitState(skiffd, ticker, "CONTAINER_RUNNING", 10);
    try (LiveCommand attach = crictl("attach", ticker)) {
      String out = attach.awaitStdout("tick", WAIT);
      assertTrue(out.matches("(?s).*tick \\d+\n.*"), out);
    }
    skiffd.crictl("rm", "-f", ticker).orThrow("crictl rm ticker");
  }

  @Test
  void portForwardReachesAListenerInThePod() throws Exception {
    String server = ContainerConfigsJson.run(skiffd, pod, podConfig,
        busybox("pong", "nc", "-ll", "-p", "8080", "-e", "echo", "pong"));
    awaitState(skiffd, server, "CONTAINER_RUNNING", 10);
    for (String transport : List.of("spdy", "websocket")) {
      int localPort = transport.equals("spdy") ? 18080 : 18081;
      try (LiveCommand forward = crictl("port-forward", "-r", transport, pod, localPort + ":8080")) {
        forward.awaitStdout("Forwarding from", WAIT);
        for (int i = 0; i < 3; i++) {
          CommandResult answer = env.netns().exec("python3", "-c",
              "import socket; s = socket.create_connection(('127.0.0.1', " + localPort + ")); "
                  + "s.shutdown(socket.SHUT_WR); print(s.recv(100).decode(), end='')");
          assertEquals("pong\n", answer.orThrow("connect to the forwarded port").stdout(), transport);
        }
      }
    }
    skiffd.crictl("rm", "-f", server).orThrow("crictl rm pong");
  }
}
