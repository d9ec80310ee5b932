package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What CrashRecoveryIT's kills cannot reach: records lost or unreadable while skiffd is down
 * (a pod's, a container's), a pod whose network namespace and skiff's nftables table are gone
 * (as after a reboot), and skiffd SIGKILLed in the middle of StopContainer and ExecSync. After
 * each restart the machine (mountinfo, cgroupfs, /proc, the directories) is read, not
 * skiffd's word, and after removing everything listed nothing may remain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecoveryLeftoversIT {
  /** The containers sleep this many seconds: a number no other process on the machine names. */
  private static final String MARKER = Long.toString(770_000_000L + ProcessHandle.current().pid());

  private BusyboxSkiffd env;
  private SkiffdProcess skiffd;
  private List<Path> cgroupRoots;
  private int serial;

  @BeforeAll
  void start() throws Exception {
    env = BusyboxSkiffd.start("leftovers", "");
    skiffd = env.skiffd();
    cgroupRoots = MachineTraces.cgroupRoots(skiffd.cgroupRoot());
  }

  @AfterAll
  void close() {
    if (env != null) {
      env.close();
    }
  }

  /** Every test ends with nothing of it left, so the next one starts on an empty machine. */
  @AfterEach
  void removeEverythingAndCheckNothingIsLeft() throws Exception {
    for (String pod : skiffd.crictl("pods", "-q").orThrow("crictl pods").stdout().strip().lines().toList()) {
      skiffd.crictl("rmp", "-f", pod).orThrow("crictl rmp -f " + pod);
    }
    assertEquals("", skiffd.crictl("ps", "-a", "-q").orThrow("crictl ps -a").stdout().strip());
    assertNothingLeft("after removing everything listed");
  }

  @Test
  void containersOfAPodWhoseRecordIsLostGoWithIt() throws Exception {
    String pod = PodConfigs.run(skiffd, pod("lost-pod"), "");
    Path podConfig = PodConfigs.write(skiffd, "lost-pod-c", "");
    // One container shares the pod's PID namespace, so the pod has an init process too.
    ObjectNode shared = sleeper("shared");
    shared.with("linux").with("security_context").with("namespace_options").put("pid", 0);
    ContainerConfigsJson.run(skiffd, pod, podConfig, shared);
    ContainerConfigsJson.run(skiffd, pod, podConfig, sleeper("own"));
    assertFalse(MachineTraces.processesNaming(skiffd.pid(), MARKER).isEmpty(), "the scan sees the containers");

    skiffd.kill();
    Files.delete(skiffd.stateDir().resolve("pods").resolve(pod + ".json"));
    skiffd.startAgain();

    assertTrue(skiffd.logText().contains("its pod sandbox " + pod.substring(0, 12) + " is gone"), skiffd.logText());
    assertEquals("", skiffd.crictl("ps", "-a", "-q").orThrow("crictl ps -a").stdout().strip(),
        "containers are listed under a pod that does not exist");
    assertNothingLeft("after a restart that lost the pod's record");
  }

  @Test
  void aContainerWhoseRecordIsUnreadableLeavesNoCgroup() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, pod("lost-ctr"), "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String container = ContainerConfigsJson.run(skiffd, pod, podConfig, sleeper("forgotten"));
    String cgroupName = "pod-" + pod + "/ctr-" + container;
    assertEquals(cgroupRoots.size(), cgroupsNamed(cgroupName), "the container's cgroup in every hierarchy");

    skiffd.kill();
    Files.writeString(skiffd.stateDir().resolve("containers").resolve(container + ".json"), "{\"id\": \"torn");
    skiffd.startAgain();

    assertEquals(0, cgroupsNamed(cgroupName), "the orphan bundle's cgroup is left");
    assertFalse(Files.exists(skiffd.runDir().resolve("containers").resolve(container.substring(0, 32))),
        "the orphan bundle is left");
    assertTrue(awaitTrue(() -> processesOf(MARKER).isEmpty()), "the orphan container's processes are left");
    assertEquals("SANDBOX_READY", podState(pod), "the pod itself is untouched");
  }

  @Test
  void aPodThatLostItsNetworkNamespaceAndTheTableBecomesNotReadyAndRemovable() throws Exception {
    String ports = "\"port_mappings\": [{\"protocol\": 0, \"container_port\": 80, \"host_port\": %d}]";
    String lost = PodConfigs.run(skiffd, pod("no-netns"), ports.formatted(31001));
    String kept = PodConfigs.run(skiffd, pod("kept-netns"), ports.formatted(31002));
    assertEquals(2, MachineTraces.hostPortElements(skiffd.netns()).size(), "the scan sees the host ports");

    skiffd.kill();
    // As after a reboot: no nftables table, and the pod's network namespace is no longer pinned.
    env.netns().exec("nft", "delete", "table", "ip", "skiff").orThrow("nft delete table");
    Commands.run(List.of("umount", skiffd.runDir().resolve("pods").resolve(lost).resolve("ns/net").toString()))
        .orThrow("umount the pod's netns pin");
    skiffd.startAgain();

    assertEquals("SANDBOX_NOTREADY", podState(lost));
    assertEquals("SANDBOX_READY", podState(kept));
    List<String> elements = MachineTraces.hostPortElements(skiffd.netns());
    assertEquals(1, elements.size(), "host ports after the table was rebuilt: " + elements);
    assertTrue(elements.get(0).contains("31002"), elements.toString());
    assertFalse(MachineTraces.links(skiffd.netns()).contains("skf" + lost.substring(0, 12)), "the lost pod's veth");
    skiffd.crictl("rmp", "-f", lost).orThrow("crictl rmp -f of the pod that lost its netns");
  }

  @Test
  void aCrashDuringStopContainerLeavesAContainerThatStopsAndGoes() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, pod("stop-crash"), "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    // Ignores SIGTERM: the stop waits out its timeout, and skiffd dies in that wait.
    String container = ContainerConfigsJson.run(skiffd, pod, podConfig,
        busybox("stubborn", "sh", "-c", "trap '' TERM; sleep " + MARKER + " </dev/null >/dev/null 2>&1 & wait"));
    awaitState(skiffd, container, "CONTAINER_RUNNING", 10);
    Thread stopper = new Thread(() -> skiffd.crictl("stop", "--timeout", "20", container));
    stopper.start();
    Thread.sleep(1500);
    assertTrue(stopper.isAlive(), "the stop was not waiting out its timeout when skiffd died");

    skiffd.kill();
    stopper.join(TimeUnit.SECONDS.toMillis(30));
    skiffd.startAgain();

    assertEquals("CONTAINER_RUNNING", ContainerConfigsJson.inspect(skiffd, container).path("status").path("state")
        .asText(), "the container survived the cut-off stop");
    assertFalse(processesOf(MARKER).isEmpty(), "its process is there");
    skiffd.crictl("stop", "--timeout", "1", container).orThrow("crictl stop after the restart");
    JsonNode status = awaitState(skiffd, container, "CONTAINER_EXITED", 10);
    assertEquals(137, status.path("exitCode").asInt(), status.toString());
    skiffd.crictl("rm", container).orThrow("crictl rm");
  }

  @Test
  void aCrashDuringExecSyncLeavesNoExecFilesButThoseOfAnExecStillRunning() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, pod("exec-crash"), "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String container = ContainerConfigsJson.run(skiffd, pod, podConfig, sleeper("exec-target"));
    Path bundle = skiffd.runDir().resolve("containers").resolve(container.substring(0, 32));

    // One exec ends while skiffd is down; the other still runs when skiffd is back.
    List<Thread> calls = new ArrayList<>();
    for (String seconds : List.of("1", "8")) {
      Thread call = new Thread(() -> skiffd.crictl("exec", "-s", "--timeout", "30", container, "sh", "-c",
          "echo started; sleep " + seconds));
      call.start();
      calls.add(call);
    }
    assertTrue(awaitTrue(() -> execFiles(bundle).stream().filter(name -> name.endsWith(".out")).count() == 2),
        "both execs started: " + execFiles(bundle));
    skiffd.kill();
    for (Thread call : calls) {
      call.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertTrue(awaitTrue(() -> execFiles(bundle).stream().filter(name -> name.endsWith(".result")).count() == 1),
        "the short exec finished while skiffd was down: " + execFiles(bundle));
    String finished = execFiles(bundle).stream().filter(name -> name.endsWith(".result")).findFirst().orElseThrow()
        .replace(".result", "");
    skiffd.startAgain();

    List<String> left = execFiles(bundle);
    assertTrue(left.stream().noneMatch(name -> name.startsWith(finished + ".")), "stale exec files are left: " + left);
    assertEquals(2, left.size(), "the running exec's output files are kept: " + left);
    assertEquals("CONTAINER_RUNNING", ContainerConfigsJson.inspect(skiffd, container).path("status").path("state")
        .asText());
    assertEquals("here", ContainerConfigsJson.exec(skiffd, container, "echo", "here").strip());
    assertEquals(left, execFiles(bundle), "a new exec cleans up after itself only");
    // The running exec's result comes when it ends; it goes with the bundle.
    assertTrue(awaitTrue(() -> execFiles(bundle).size() == 3), "the running exec ended: " + execFiles(bundle));
  }

  private String pod(String name) {
    return name + "-" + ++serial;
  }

  private static ObjectNode sleeper(String name) {
    return busybox(name, "sh", "-c", "trap 'exit 0' TERM; sleep " + MARKER + " </dev/null >/dev/null 2>&1 & wait");
  }

  private String podState(String pod) throws Exception {
    return ContainerConfigsJson.JSON.readTree(skiffd.crictl("inspectp", pod).orThrow("crictl inspectp").stdout())
        .path("status").path("state").asText();
  }

  private long cgroupsNamed(String relative) throws Exception {
    return MachineTraces.cgroupsBelow(cgroupRoots).stream().filter(cgroup -> cgroup.endsWith(": " + relative)).count();
  }

  private List<MachineTraces.ProcessTrace> processesOf(String marker) {
    try {
      return MachineTraces.processesNaming(skiffd.pid(), marker);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> execFiles(Path bundle) {
    try {
      return MachineTraces.entriesOf(bundle).stream().map(path -> path.getFileName().toString())
          .filter(name -> name.startsWith("exec-")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  private void assertNothingLeft(String when) throws Exception {
    String prefix = when + ": ";
    assertEquals(List.of(), MachineTraces.mountsBelow(skiffd.dir()), prefix + "mounts are left");
    assertEquals(List.of(), MachineTraces.cgroupsBelow(cgroupRoots), prefix + "cgroups are left");
    assertTrue(awaitTrue(() -> {
      try {
        return MachineTraces.processesNaming(skiffd.pid(), skiffd.dir().toString(), MARKER).isEmpty();
      } catch (java.io.IOException e) {
        return false;
      }
    }), prefix + "processes are left: " + MachineTraces.processesNaming(skiffd.pid(), skiffd.dir().toString(),
        MARKER));
    assertEquals(List.of(), MachineTraces.links(skiffd.netns()).stream().filter(link -> link.startsWith("skf"))
        .toList(), prefix + "veths are left");
    assertEquals(List.of(), MachineTraces.hostPortElements(skiffd.netns()), prefix + "host ports are left");
    Path state = skiffd.stateDir();
    MachineTraces.assertNoPodOrContainerDirectories(skiffd, prefix);
    // An unreadable record is kept aside (ID.json.corrupt) for a human; no live record may be left.
    for (String kind : List.of("pods", "containers")) {
      assertEquals(List.of(), MachineTraces.filesBelow(state.resolve(kind)).stream()
          .filter(file -> file.getFileName().toString().endsWith(".json")).toList(), prefix + kind + " records are left");
    }
  }
}
