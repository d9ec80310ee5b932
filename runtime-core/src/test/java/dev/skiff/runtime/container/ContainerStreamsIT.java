package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.stream.ContainerStreams;
import dev.skiff.runtime.stream.PortConnection;
import dev.skiff.runtime.stream.ProcessSession;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.runtime.stream.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@link ContainerStreams} against real containers of the shim (busybox-static rootfs, own
 * namespaces, a cgroup under this test's own): interactive exec with and without a terminal,
 * attach to the container's stdio, port forward into its network namespace.
 */
class ContainerStreamsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Stdio OUT_ERR = new Stdio(false, true, true, false);
  private static final Stdio IN_OUT_ERR = new Stdio(true, true, true, false);
  private static final Stdio TTY_IN = new Stdio(true, true, false, true);
  private static Path root;
  private static Path busybox;
  private static ShimLauncher launcher;
  private static final Map<String, ContainerProcess> CONTAINERS = new HashMap<>();
  private static final Map<String, Path> NETNS = new HashMap<>();
  private static ContainerStreams streams;

  @BeforeAll
  static void setUp() throws Exception {
    root = Files.createTempDirectory(Path.of("/tmp"), "skiff-sit-");
    busybox = BusyboxRootfs.build(root.resolve("busybox"));
    launcher = ShimLauncher.fromSystem();
    streams = new ContainerStreams(id -> {
      ContainerProcess p = CONTAINERS.get(id);
      if (p == null) {
        throw new NoSuchElementException("container " + id + " not found");
      }
      return p;
    }, id -> {
      if (!NETNS.containsKey(id)) {
        throw new NoSuchElementException("pod sandbox " + id + " not found");
      }
      return Optional.of(NETNS.get(id));
    }, ShimBinary.locate());
  }

  @AfterAll
  static void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();

  /** Short directory names: the bundle's sockets must fit a unix socket path (108 bytes). */
  private static TestContainer container(TestInfo info) throws Exception {
    String dir = "c" + COUNTER.incrementAndGet();
    return new TestContainer(Files.createDirectories(root.resolve(dir)), dir);
  }

  /** Creates and starts a container running args with the given stdio; registered under its test name. */
  private static ContainerProcess start(TestContainer c, TestInfo info, List<String> args, boolean tty, boolean stdin,
      boolean stdinOnce) throws Exception {
    String id = info.getTestMethod().orElseThrow().getName();
    ContainerSpec base = c.spec(id, List.of(busybox), args, SecurityRequest.defaults(), List.of());
    ProcessRequest process = new ProcessRequest(args, null, List.of(), null, null, null, null, List.of(), null, tty,
        stdin, stdinOnce);
    ContainerSpec spec = new ContainerSpec(base.id(), process, base.image(), base.mounts(), base.devices(),
        base.security(), base.namespaces(), base.pod(), base.cgroupDirs(), base.oomCounter(), base.rlimits(),
        base.oomScoreAdj(), base.sysctls(), base.logPath());
    ContainerProcess p = c.create(launcher, spec);
    p.start();
    CONTAINERS.put(id, p);
    return p;
  }

  private static ContainerProcess sleeper(TestContainer c, TestInfo info) throws Exception {
    return start(c, info, List.of("sleep", "1000"), false, false, false);
  }

  private static String id(TestInfo info) {
    return info.getTestMethod().orElseThrow().getName();
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static int exitOf(ProcessSession session) throws Exception {
    return session.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void execReportsStdoutStderrAndExitCode(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      sleeper(c, info);
      try (ProcessSession s = streams.exec(id(info), List.of("sh", "-c", "echo out; echo err >&2; exit 3"), OUT_ERR)) {
        OutputCollector out = new OutputCollector(s.stdout(), "stdout");
        OutputCollector err = new OutputCollector(s.stderr(), "stderr");
        assertEquals("out\n", out.awaitEof(WAIT));
        assertEquals("err\n", err.awaitEof(WAIT));
        assertEquals(3, exitOf(s));
      }
    }
  }

  @Test
  void execStdinEndsWithEof(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      sleeper(c, info);
      try (ProcessSession s = streams.exec(id(info), List.of("sh", "-c", "cat; echo eof"), IN_OUT_ERR)) {
        OutputCollector out = new OutputCollector(s.stdout(), "stdout");
        write(s.stdin(), "hello\n");
        out.awaitContains("hello\n", WAIT);
        s.stdin().close();
        assertEquals("hello\neof\n", out.awaitEof(WAIT));
        assertEquals(0, exitOf(s));
      }
    }
  }

  @Test
  void execCarriesMoreOutputThanAnyBuffer(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      sleeper(c, info);
      try (ProcessSession s = streams.exec(id(info), List.of("head", "-c", "3000000", "/dev/zero"), OUT_ERR)) {
        byte[] all = s.stdout().readAllBytes();
        assertEquals(3_000_000, all.length);
        assertEquals(0, exitOf(s));
      }
    }
  }

  @Test
  void execWithTtyHasATerminalThatResizes(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      sleeper(c, info);
      try (ProcessSession s = streams.exec(id(info), List.of("sh"), TTY_IN)) {
        OutputCollector out = new OutputCollector(s.stdout(), "tty");
        s.resize(new TerminalSize(100, 30));
        write(s.stdin(), "tty; stty size\n");
        out.awaitContains("30 100", WAIT);
        s.resize(new TerminalSize(132, 43));
        write(s.stdin(), "stty size; exit 7\n");
        String text = out.awaitEof(WAIT);
        assertTrue(text.contains("/dev/pts/0"), text);
        assertTrue(text.contains("43 132"), text);
        assertEquals(7, exitOf(s));
      }
    }
  }

  @Test
  void execOfAMissingExecutableFailsNamingIt(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      sleeper(c, info);
      IOException e = assertThrows(IOException.class, () -> streams.exec(id(info), List.of("/bin/nope"), OUT_ERR));
      assertTrue(e.getMessage().contains("/bin/nope"), e.getMessage());
    }
  }

  @Test
  void execInAnUnknownOrStoppedContainerFails(TestInfo info) throws Exception {
    assertThrows(NoSuchElementException.class, () -> streams.exec("nope", List.of("true"), OUT_ERR));
    try (TestContainer c = container(info)) {
      ContainerProcess p = start(c, info, List.of("true"), false, false, false);
      assertTrue(p.awaitExit(WAIT));
      IOException e = assertThrows(IOException.class, () -> streams.exec(id(info), List.of("true"), OUT_ERR));
      assertTrue(e.getMessage().contains("not running"), e.getMessage());
    }
  }

  @Test
  void clientGoneGivesStdinEofWithoutKillingTheProcess(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = sleeper(c, info);
      ProcessSession s = streams.exec(id(info), List.of("sh", "-c", "cat; sleep 0.2; echo survived > /tmp/marker"),
          IN_OUT_ERR);
      write(s.stdin(), "x\n");
      s.close();
      awaitExecOutput(p, List.of("cat", "/tmp/marker"), "survived");
    }
  }

  @Test
  void clientGoneHangsUpTheTerminal(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = sleeper(c, info);
      ProcessSession s = streams.exec(id(info), List.of("sleep", "777"), TTY_IN);
      awaitExecOutput(p, List.of("ps"), "sleep 777");
      s.close();
      // SIGHUP from the closed terminal ends the session leader.
      long deadline = System.nanoTime() + WAIT.toNanos();
      String ps;
      do {
        ps = new String(p.execSync(List.of("ps"), Duration.ofSeconds(5)).stdout(), StandardCharsets.UTF_8);
      } while (ps.contains("sleep 777") && System.nanoTime() < deadline);
      assertFalse(ps.contains("sleep 777"), ps);
    }
  }

  @Test
  void execsLeaveNoZombieNoFdAndNoThread(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = sleeper(c, info);
      runExecs(3); // warm-up: pools and lazily opened files
      long fds = openFds();
      int threads = Thread.activeCount();
      runExecs(10);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while ((openFds() > fds || Thread.activeCount() > threads) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(fds, openFds(), "fds of this JVM");
      assertTrue(Thread.activeCount() <= threads, "threads: " + Thread.activeCount() + " > " + threads);
      String ps = new String(p.execSync(List.of("ps", "-o", "pid,stat,args"), Duration.ofSeconds(5)).stdout(),
          StandardCharsets.UTF_8);
      assertFalse(ps.lines().anyMatch(l -> l.trim().split("\\s+")[1].startsWith("Z")), ps);
      assertEquals(List.of(), zombieChildrenOfThisJvm());
    }
  }

  private void runExecs(int n) throws Exception {
    String id = CONTAINERS.keySet().stream().filter(k -> k.equals("execsLeaveNoZombieNoFdAndNoThread")).findFirst()
        .orElseThrow();
    for (int i = 0; i < n; i++) {
      Stdio stdio = i % 2 == 0 ? IN_OUT_ERR : TTY_IN;
      try (ProcessSession s = streams.exec(id, List.of("sh", "-c", "echo hi; sleep 0.01 & exit 0"), stdio)) {
        s.stdin().close();
        new OutputCollector(s.stdout(), "out").awaitEof(WAIT);
        if (!stdio.tty()) {
          new OutputCollector(s.stderr(), "err").awaitEof(WAIT);
        }
        assertEquals(0, exitOf(s));
      }
    }
  }

  @Test
  void attachSeesOutputAndWritesStdinOfACatContainer(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      start(c, info, List.of("cat"), false, true, false);
      try (ProcessSession a = streams.attach(id(info), IN_OUT_ERR);
          ProcessSession b = streams.attach(id(info), OUT_ERR)) {
        OutputCollector outA = new OutputCollector(a.stdout(), "a");
        OutputCollector outB = new OutputCollector(b.stdout(), "b");
        Thread.sleep(100); // both clients registered with the shim
        write(a.stdin(), "ping\n");
        outA.awaitContains("ping\n", WAIT);
        outB.awaitContains("ping\n", WAIT);
        a.stdin().close(); // without stdin_once the container's stdin stays open
        write(b.stdin(), "ignored: b brought no stdin\n");
        Thread.sleep(200);
        assertEquals(ContainerProcess.Phase.RUNNING, c.process.phase());
      }
      try (ProcessSession again = streams.attach(id(info), IN_OUT_ERR)) {
        OutputCollector out = new OutputCollector(again.stdout(), "again");
        write(again.stdin(), "pong\n");
        out.awaitContains("pong\n", WAIT);
      }
      assertEquals(List.of("ping", "pong"), c.output("stdout"));
    }
  }

  @Test
  void stdinOnceClosesTheContainersStdinWhenTheFirstClientEnds(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      start(c, info, List.of("sh", "-c", "cat; echo after-eof; exit 4"), false, true, true);
      try (ProcessSession s = streams.attach(id(info), IN_OUT_ERR)) {
        OutputCollector out = new OutputCollector(s.stdout(), "out");
        Thread.sleep(100);
        write(s.stdin(), "x\n");
        out.awaitContains("x\n", WAIT);
        s.stdin().close();
        assertEquals("x\nafter-eof\n", out.awaitEof(WAIT));
        assertEquals(4, exitOf(s));
      }
      assertTrue(c.process.awaitExit(WAIT));
      assertEquals(4, c.process.exitStatus().orElseThrow().exitCode());
    }
  }

  @Test
  void attachToATtyContainerResizesItsTerminal(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      start(c, info, List.of("sh"), true, true, false);
      try (ProcessSession s = streams.attach(id(info), TTY_IN)) {
        OutputCollector out = new OutputCollector(s.stdout(), "tty");
        Thread.sleep(100);
        s.resize(new TerminalSize(120, 40));
        write(s.stdin(), "stty size; tty\n");
        out.awaitContains("40 120", WAIT);
        write(s.stdin(), "exit 5\n");
        out.awaitEof(WAIT);
        assertEquals(5, exitOf(s));
      }
      assertTrue(c.process.awaitExit(WAIT));
      assertTrue(String.join("\n", c.output("stdout")).contains("/dev/pts/0"), c.logLines().toString());
    }
  }

  @Test
  void portForwardReachesAListenerInTheContainersNetworkNamespace(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = start(c, info, List.of("nc", "-l", "-p", "7000", "-e", "echo", "pong"), false, false, false);
      Path netns = Path.of("/proc", Integer.toString(p.pid()), "ns", "net");
      Process up = new ProcessBuilder("nsenter", "--net=" + netns, "ip", "link", "set", "lo", "up").inheritIO().start();
      assertEquals(0, up.waitFor());
      NETNS.put("pod-" + id(info), netns);
      IOException closed = assertThrows(IOException.class, () -> streams.connectPort("pod-" + id(info), 7001));
      assertTrue(closed.getMessage().contains("7001"), closed.getMessage());
      String answer = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (answer == null) {
        try (PortConnection conn = streams.connectPort("pod-" + id(info), 7000)) {
          answer = new String(conn.input().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException notYetListening) {
          if (System.nanoTime() > deadline) {
            throw notYetListening;
          }
          Thread.sleep(50);
        }
      }
      assertEquals("pong\n", answer);
      assertThrows(NoSuchElementException.class, () -> streams.connectPort("no-such-pod", 7000));
    }
  }

  private static void awaitExecOutput(ContainerProcess p, List<String> command, String wanted) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = new String(p.execSync(command, Duration.ofSeconds(5)).stdout(), StandardCharsets.UTF_8);
      if (out.contains(wanted)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(command + " never printed '" + wanted + "'; last: " + out);
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static List<Long> zombieChildrenOfThisJvm() {
    List<Long> zombies = new ArrayList<>();
    ProcessHandle.current().children().forEach(child -> {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
        if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
          zombies.add(child.pid());
        }
      } catch (IOException gone) {
        // Reaped meanwhile.
      }
    });
    return zombies;
  }
}
