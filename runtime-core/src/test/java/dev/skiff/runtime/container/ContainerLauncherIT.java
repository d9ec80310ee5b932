package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.linux.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The shim and its launcher on the real kernel, as root: each container gets new mount,
 * PID, network, IPC and UTS namespaces of its own (nothing reaches the host's network), a
 * cgroup under this test's own, and an overlay rootfs over a busybox-static layer.
 */
class ContainerLauncherIT {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static Path root;
  private static Path busybox;
  private static ShimLauncher launcher;

  @BeforeAll
  static void setUp() throws Exception {
    root = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-");
    busybox = BusyboxRootfs.build(root.resolve("busybox"));
    launcher = ShimLauncher.fromSystem();
  }

  @AfterAll
  static void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static TestContainer container(TestInfo info) throws Exception {
    String id = info.getTestMethod().orElseThrow().getName();
    return new TestContainer(Files.createDirectories(root.resolve(id)), id);
  }

  private static String id(TestInfo info) {
    return info.getTestMethod().orElseThrow().getName();
  }

  /** Creates, starts and waits for a container running args; returns its exit status. */
  private static ExitStatus runToExit(TestContainer c, ContainerSpec spec) throws Exception {
    ContainerProcess p = c.create(launcher, spec);
    assertEquals(ContainerProcess.Phase.CREATED, p.phase());
    p.start();
    assertTrue(p.awaitExit(EXIT_TIMEOUT), "container did not exit");
    return p.exitStatus().orElseThrow();
  }

  @Test
  void echoWritesCriLogLine(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ExitStatus exit = runToExit(c, c.spec(id(info), List.of(busybox), List.of("echo", "hi"),
          SecurityRequest.defaults(), List.of()));
      assertEquals(0, exit.exitCode());
      assertEquals("Completed", exit.reason());
      List<String> lines = c.logLines();
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z stdout F hi"), lines.get(0));
      assertTrue(c.process.startedAtNs().isPresent());
    }
  }

  @Test
  void exitCodeAndStderrAreRecorded(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ExitStatus exit = runToExit(c, c.spec(id(info), List.of(busybox),
          List.of("sh", "-c", "echo oops >&2; exit 3"), SecurityRequest.defaults(), List.of()));
      assertEquals(3, exit.exitCode());
      assertEquals("Error", exit.reason());
      assertEquals(List.of("oops"), c.output("stderr"));
    }
  }

  @Test
  void seesOnlyItsOwnProcesses(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      runToExit(c, c.spec(id(info), List.of(busybox), List.of("ls", "/proc"), SecurityRequest.defaults(), List.of()));
      List<String> pids = c.output("stdout").stream().filter(s -> s.matches("\\d+")).toList();
      assertEquals(List.of("1"), pids);
    }
  }

  @Test
  void hasTheDefaultCapabilitiesAndHostname(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      runToExit(c, c.spec(id(info), List.of(busybox), List.of("sh", "-c", "grep Cap /proc/self/status; hostname"),
          SecurityRequest.defaults(), List.of()));
      List<String> out = c.output("stdout");
      assertTrue(out.contains("CapEff:\t00000000a80425fb"), out.toString());
      assertTrue(out.contains("CapBnd:\t00000000a80425fb"), out.toString());
      assertTrue(out.contains("CapInh:\t0000000000000000"), out.toString());
      assertTrue(out.contains("test-pod"), out.toString());
    }
  }

  @Test
  void readonlyRootfsRefusesWrites(TestInfo info) throws Exception {
    SecurityRequest readonly = new SecurityRequest(null, null, null, false, true, false, null, null);
    try (TestContainer c = container(info)) {
      ExitStatus exit = runToExit(c, c.spec(id(info), List.of(busybox), List.of("touch", "/newfile"), readonly,
          List.of()));
      assertEquals(1, exit.exitCode());
      assertTrue(c.output("stderr").toString().contains("Read-only file system"), c.output("stderr").toString());
      assertFalse(Files.exists(c.base.resolve("upper/newfile")));
    }
  }

  @Test
  void maskedAndReadonlyPathsApply(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      runToExit(c, c.spec(id(info), List.of(busybox), List.of("sh", "-c",
          "wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname || echo ro"),
          SecurityRequest.defaults(), List.of()));
      assertEquals(List.of("0", "0", "ro"), c.output("stdout"));
    }
  }

  @Test
  void stopKillsAProcessIgnoringSigtermAfterTheTimeout(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox),
          List.of("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"), SecurityRequest.defaults(),
          List.of()));
      p.start();
      assertEquals(ContainerProcess.Phase.RUNNING, p.phase());
      long begin = System.nanoTime();
      p.stop(Processes.SIGTERM, Duration.ofSeconds(1));
      long tookMs = (System.nanoTime() - begin) / 1_000_000;
      assertTrue(tookMs >= 1000 && tookMs < 3000, "stop took " + tookMs + " ms");
      ExitStatus exit = p.exitStatus().orElseThrow();
      assertEquals(9, exit.signal());
      assertEquals(137, exit.exitCode());
      assertEquals(ContainerProcess.Phase.EXITED, p.phase());
      p.stop(Processes.SIGTERM, Duration.ofSeconds(1)); // idempotent
    }
  }

  @Test
  void missingExecutableFailsStartWithItsName(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox), List.of("/bin/nope"),
          SecurityRequest.defaults(), List.of()));
      ContainerException e = assertThrows(ContainerException.class, p::start);
      assertEquals(ContainerException.Kind.START_FAILED, e.kind());
      assertEquals("exec: \"/bin/nope\": no such file or directory", e.getMessage());
      assertTrue(p.awaitExit(EXIT_TIMEOUT));
      ExitStatus exit = p.exitStatus().orElseThrow();
      assertEquals(127, exit.exitCode());
      assertEquals(e.getMessage(), exit.message());
    }
  }

  @Test
  void commandNotInPathIsNamed(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox), List.of("nope"),
          SecurityRequest.defaults(), List.of()));
      ContainerException e = assertThrows(ContainerException.class, p::start);
      assertEquals("exec: \"nope\": executable file not found in $PATH", e.getMessage());
    }
  }

  @Test
  void execSyncCapturesOutputAndExitCode(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox), List.of("sleep", "1000"),
          SecurityRequest.defaults(), List.of()));
      p.start();
      ExecResult r = p.execSync(List.of("sh", "-c", "echo out; echo err >&2; hostname; ls /proc | grep -c '^[0-9]'; exit 5"),
          Duration.ofSeconds(10));
      assertEquals(5, r.exitCode());
      assertFalse(r.timedOut());
      // sleep (1), the exec reaper, sh, and the ls and grep of its pipeline: all in the container's PID namespace.
      List<String> out = List.of(new String(r.stdout(), StandardCharsets.UTF_8).split("\n"));
      assertEquals(List.of("out", "test-pod"), out.subList(0, 2));
      assertTrue(Integer.parseInt(out.get(2)) <= 5, out.toString());
      assertEquals("err\n", new String(r.stderr(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void execSyncTimeoutKillsAndLeavesNoZombie(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox), List.of("sleep", "1000"),
          SecurityRequest.defaults(), List.of()));
      p.start();
      long begin = System.nanoTime();
      // sh forks sleep (not the last command), so a grandchild must be killed and reaped too.
      ExecResult r = p.execSync(List.of("sh", "-c", "sleep 30; echo never"), Duration.ofMillis(500));
      long tookMs = (System.nanoTime() - begin) / 1_000_000;
      assertTrue(r.timedOut());
      assertTrue(tookMs < 3000, "exec took " + tookMs + " ms");
      ExecResult ps = p.execSync(List.of("ps", "-o", "pid,stat,comm"), Duration.ofSeconds(10));
      List<String> rows = List.of(new String(ps.stdout(), StandardCharsets.UTF_8).strip().split("\n"));
      List<String> zombiesOrLeftovers = new ArrayList<>();
      for (String row : rows.subList(1, rows.size())) {
        String[] f = row.strip().split("\\s+");
        if (f[1].startsWith("Z") || (!f[0].equals("1") && f[2].equals("sleep"))) {
          zombiesOrLeftovers.add(row);
        }
      }
      assertEquals(List.of(), zombiesOrLeftovers, rows.toString());
      assertEquals(ContainerProcess.Phase.RUNNING, p.phase());
    }
  }

  @Test
  void hostileSymlinkCannotRedirectABindMountOutOfTheRoot(TestInfo info) throws Exception {
    Path hostTarget = Files.createDirectories(root.resolve("escape-target"));
    Path layer = Files.createDirectories(root.resolve("hostile-layer"));
    // In the image: /evil -> /../../../<host dir>, an absolute link climbing out of the root.
    Files.createSymbolicLink(layer.resolve("evil"), Path.of("/../../.." + hostTarget));
    Path source = Files.createDirectories(root.resolve("mount-source"));
    Files.writeString(source.resolve("marker"), "from-host\n");
    try (TestContainer c = container(info)) {
      ExitStatus exit = runToExit(c, c.spec(id(info), List.of(layer, busybox), List.of("cat", "/evil/mnt/marker"),
          SecurityRequest.defaults(), List.of(MountRequest.bind(source.toString(), "/evil/mnt", true))));
      assertEquals(0, exit.exitCode(), c.output("stderr").toString());
      assertEquals(List.of("from-host"), c.output("stdout"));
      try (Stream<Path> entries = Files.list(hostTarget)) {
        assertEquals(List.of(), entries.toList(), "the mount target was created on the host");
      }
      assertTrue(Files.isDirectory(c.base.resolve("upper").resolve(hostTarget.toString().substring(1)).resolve("mnt")),
          "the mount target was created inside the container's root");
    }
  }

  @Test
  void readonlyBindMountRefusesWrites(TestInfo info) throws Exception {
    Path source = Files.createDirectories(root.resolve("ro-source"));
    try (TestContainer c = container(info)) {
      ExitStatus exit = runToExit(c, c.spec(id(info), List.of(busybox), List.of("touch", "/data/x"),
          SecurityRequest.defaults(), List.of(MountRequest.bind(source.toString(), "/data", true))));
      assertEquals(1, exit.exitCode());
      assertFalse(Files.exists(source.resolve("x")));
    }
  }

  @Test
  void shimOutlivesTheJvmThatLaunchedItAndIsAdopted(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerSpec spec = c.spec(id(info), List.of(busybox), List.of("sh", "-c", "echo started; sleep 1000"),
          SecurityRequest.defaults(), List.of());
      ShimLauncher.writeBundle(c.bundle, RuntimeSpecBuilder.build(spec, c.bundle.rootfs(),
          Capabilities.hostAllowed()));
      Process jvm = SeparateJvmLauncher.start(c.bundle.dir());
      try {
        assertTrue(SeparateJvmLauncher.awaitCreated(jvm, c.bundle), "the other JVM did not create the container");
      } finally {
        jvm.destroyForcibly();
        jvm.waitFor();
      }
      assertFalse(jvm.isAlive());
      ContainerProcess adopted = launcher.adopt(c.bundle);
      c.process = adopted;
      assertEquals(ContainerProcess.Phase.CREATED, adopted.phase());
      assertTrue(Processes.isAlive(adopted.state().shimPid(), adopted.state().shimStart()));
      adopted.start();
      assertEquals(ContainerProcess.Phase.RUNNING, adopted.phase());
      assertEquals(0, adopted.execSync(List.of("true"), Duration.ofSeconds(10)).exitCode());
      adopted.stop(Processes.SIGKILL, Duration.ZERO);
      assertEquals(137, adopted.exitStatus().orElseThrow().exitCode());
      assertEquals(List.of("started"), c.output("stdout"));
    }
  }

  @Test
  void reopenLogStartsANewFileAfterRotation(TestInfo info) throws Exception {
    try (TestContainer c = container(info)) {
      ContainerProcess p = c.create(launcher, c.spec(id(info), List.of(busybox),
          List.of("sh", "-c", "echo one; sleep 1; echo two; sleep 1000"),
          SecurityRequest.defaults(), List.of()));
      p.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!c.output("stdout").contains("one") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Files.move(c.log, c.base.resolve("container.log.1"));
      p.reopenLog();
      while (!Files.exists(c.log) || !c.output("stdout").contains("two")) {
        assertTrue(System.nanoTime() < deadline + Duration.ofSeconds(3).toNanos(), "no 'two' in the new log");
        Thread.sleep(20);
      }
      assertEquals(List.of("two"), c.output("stdout"));
    }
  }

  @Test
  void manyLayersMountThroughTheNewMountApi(TestInfo info) throws Exception {
    List<Path> layers = new ArrayList<>();
    String longName = "layer-with-a-deliberately-long-directory-name-to-overflow-one-page-of-options-";
    for (int i = 0; i < 60; i++) {
      Path layer = Files.createDirectories(root.resolve("many").resolve(longName + i));
      Files.writeString(layer.resolve("f" + i), "layer " + i + "\n");
      Files.writeString(layer.resolve("top"), "layer " + i + "\n");
      layers.add(layer);
    }
    layers.add(busybox);
    assertTrue(OverlayRootfs.options(layers.stream().map(Path::toString).toList(), "u", "w").length()
        > OverlayRootfs.MAX_OPTIONS_BYTES);
    try (TestContainer c = container(info)) {
      runToExit(c, c.spec(id(info), layers, List.of("cat", "/top", "/f59", "/f0"), SecurityRequest.defaults(),
          List.of()));
      assertEquals(List.of("layer 0", "layer 59", "layer 0"), c.output("stdout"));
    }
  }
}
