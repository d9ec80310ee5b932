package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.IDMapping;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxContainerConfig;
import dev.skiff.cri.v1.LinuxContainerSecurityContext;
import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.LinuxSandboxSecurityContext;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.NamespaceMode;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PodSandboxState;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.PortMapping;
import dev.skiff.cri.v1.Protocol;
import dev.skiff.cri.v1.RemoveContainerRequest;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import dev.skiff.cri.v1.UserNamespace;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.server.it.MachineTraces.ProcessTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * skiffd SIGKILLed (by pid) part-way through an RPC, again and again: for each of
 * RunPodSandbox, CreateContainer, StartContainer, RemoveContainer, StopPodSandbox and
 * RemovePodSandbox the kill lands just after the call returns (which measures it), at points
 * spread over that duration, and at moments aimed by watching skiffd's own directories (pod
 * directory made, netns pinned, record written, rootfs mounted, shim started, bundle half
 * deleted...); three of those are followed by a second kill in the middle of the recovery.
 * After each crash skiffd starts again on the same state, and the machine itself
 * (mountinfo, cgroupfs, /proc, the network namespace, the directories) is read, not
 * skiffd's word:
 * <ul>
 *   <li>every mount below skiffd's directory, every cgroup below its root, every shim, pod
 *       init and container process belongs to a pod or container that skiffd lists, and so
 *       does every veth and host-port element;</li>
 *   <li>after removing everything listed, nothing is left: no mount, cgroup, process, veth,
 *       host port, pinned namespace file, bundle, writable layer, record or temp file.</li>
 * </ul>
 */
class CrashRecoveryIT {
  private static final int KILL_POINTS_PER_RPC = 3;
  /** The containers sleep this many seconds: a number no other process on the machine names. */
  private static final String MARKER = Long.toString(880_000_000L + ProcessHandle.current().pid());
  /** Log lines recovery writes before it tears something down. */
  private static final Pattern RECOVERY_AT_WORK = Pattern.compile("Removing half-created|Cleaning up container");
  private static final Pattern CONTAINER_CGROUP = Pattern.compile("/ctr-([0-9a-f]{64})(/|$)");

  enum Step { RUN_POD, CREATE_CONTAINER, START_CONTAINER, REMOVE_CONTAINER, STOP_POD, REMOVE_POD, RUN_USERNS_POD }

  /** The steps killed at timed points; RUN_USERNS_POD only at aimed moments. */
  private static final List<Step> TIMED = List.of(Step.RUN_POD, Step.CREATE_CONTAINER, Step.START_CONTAINER,
      Step.REMOVE_CONTAINER, Step.STOP_POD, Step.REMOVE_POD);

  private SkiffdProcess skiffd;
  private CriClient client;
  private List<Path> cgroupRoots;
  private int serial;

  @Test
  void sigkillPartWayThroughAnRpcLeavesNothingARestartedSkiffdCannotFindAndClean() throws Exception {
    try (BusyboxSkiffd env = BusyboxSkiffd.start("crash", "")) {
      skiffd = env.skiffd();
      cgroupRoots = MachineTraces.cgroupRoots(skiffd.cgroupRoot());
      client = new CriClient(skiffd.socket());
      try {
        // A kill just after each call returns, which also measures the call as the crashed ones run.
        Map<Step, Long> durations = new EnumMap<>(Step.class);
        for (Step step : TIMED) {
          durations.put(step, crashAndCheck(step, "just after the call returned", prepared -> () -> false));
        }
        for (int point = 0; point < KILL_POINTS_PER_RPC; point++) {
          for (Step step : TIMED) {
            long delay = durations.get(step) * (2 * point + 1) / (2 * KILL_POINTS_PER_RPC);
            crashAndCheck(step, "after " + delay / 1000 + " us (the call took " + durations.get(step) / 1000
                + " us)", prepared -> {
                  long deadline = System.nanoTime() + delay;
                  return () -> System.nanoTime() >= deadline;
                });
          }
        }
        for (Aim aim : aims) {
          crashAndCheck(aim.step(), "once " + aim.moment(), aim.killWhen());
        }
        // Recovery itself crashed half-way: the next start must still find and clean everything.
        for (Aim aim : List.of(aims.get(2), aims.get(8), aims.get(11))) {
          crashAndCheck(aim.step(), "once " + aim.moment() + ", then again in recovery", aim.killWhen(),
              RECOVERY_AT_WORK);
        }
        assertEquals((KILL_POINTS_PER_RPC + 1) * TIMED.size() + aims.size() + 3, report.size());
        // Not vacuous: the aimed kills did land inside their calls (a loaded machine may let one slip by).
        long aimedInside = report.stream().filter(line -> line.contains(" once ") && !line.contains("not reached")
            && !line.contains("recovery had nothing to do")).count();
        assertTrue(aimedInside >= (aims.size() + 3) * 4 / 5, "only " + aimedInside + " of " + (aims.size() + 3)
            + " aimed kills landed where aimed:\n  " + String.join("\n  ", report));
      } finally {
        client.close();
      }
    }
  }

  /**
   * Kills aimed at the steps where a crash leaves the most half-built, read from skiffd's
   * directories while the call runs (its own files are the only clock that does not drift).
   */
  private final List<Aim> aims = List.of(
      new Aim(Step.RUN_POD, "the pod's run directory exists", p -> appears(skiffd.runDir().resolve("pods"), "")),
      new Aim(Step.RUN_POD, "the pod's network namespace file exists",
          p -> appears(skiffd.runDir().resolve("pods"), "ns/net")),
      new Aim(Step.RUN_POD, "the pod's hosts file exists (network attached)",
          p -> appears(skiffd.runDir().resolve("pods"), "hosts")),
      new Aim(Step.RUN_POD, "the pod's shm directory exists", p -> appears(skiffd.runDir().resolve("pods"), "shm")),
      new Aim(Step.RUN_USERNS_POD, "the pod's user namespace is pinned",
          p -> appears(skiffd.runDir().resolve("pods"), "ns/user")),
      new Aim(Step.RUN_USERNS_POD, "the user-namespaced pod's hosts file exists (network attached)",
          p -> appears(skiffd.runDir().resolve("pods"), "hosts")),
      new Aim(Step.CREATE_CONTAINER, "the container record exists",
          p -> appears(skiffd.stateDir().resolve("containers"), "")),
      new Aim(Step.CREATE_CONTAINER, "the bundle directory exists",
          p -> appears(skiffd.runDir().resolve("containers"), "")),
      new Aim(Step.CREATE_CONTAINER, "the bundle's config.json exists (rootfs mounted)",
          p -> appears(skiffd.runDir().resolve("containers"), "config.json")),
      new Aim(Step.CREATE_CONTAINER, "the shim's log exists (shim started)",
          p -> appears(skiffd.runDir().resolve("containers"), "shim.log")),
      new Aim(Step.REMOVE_CONTAINER, "the exit file exists (stopped, not yet released)",
          p -> exists(bundleOf(p.container()).resolve("exit"))),
      new Aim(Step.REMOVE_CONTAINER, "the shim state file is deleted (bundle half deleted)",
          p -> gone(bundleOf(p.container()).resolve("state"))),
      new Aim(Step.REMOVE_CONTAINER, "the writable layer is deleted (record still there)",
          p -> gone(skiffd.stateDir().resolve("container-layers").resolve(p.container()))),
      new Aim(Step.STOP_POD, "the pod init's state file is deleted (network still up)",
          p -> gone(skiffd.runDir().resolve("pods").resolve(p.pod()).resolve("pid-init"))),
      new Aim(Step.STOP_POD, "the pod's IP reservation is released (veth gone, record still READY)",
          p -> gone(reservationOf(p.pod()))),
      new Aim(Step.REMOVE_POD, "the first container's bundle is deleted",
          p -> gone(bundleOf(p.container()))),
      new Aim(Step.REMOVE_POD, "the pod's network namespace is unpinned",
          p -> gone(skiffd.runDir().resolve("pods").resolve(p.pod()).resolve("ns/net"))),
      new Aim(Step.REMOVE_POD, "the pod's cgroup is removed",
          p -> gone(cgroupRoots.get(0).resolve("pod-" + p.pod()))));

  private final List<String> report = new ArrayList<>();

  /**
   * Prepares the step, runs its call, SIGKILLs skiffd when killNow says so, restarts it and
   * checks. Returns how long the call took when it was not cut off.
   */
  private long crashAndCheck(Step step, String moment, Function<Prepared, BooleanSupplier> killNow)
      throws Exception {
    return crashAndCheck(step, moment, killNow, null);
  }

  /** As above; with recoveryAtWork, the restarted skiffd is killed too, once its log matches it. */
  private long crashAndCheck(Step step, String moment, Function<Prepared, BooleanSupplier> killNow,
      Pattern recoveryAtWork) throws Exception {
    String what = step + " killed " + moment;
    Prepared prepared = prepare(step);
    assertTheScansSee(prepared);
    Fired fired = fire(prepared.call(), killNow.apply(prepared));
    what += fired.reached() || fired.callNanos() < 0 ? "" : " (not reached: killed after the call)";
    int logBefore = skiffd.logText().length();
    if (recoveryAtWork != null) {
      what += killDuringRecovery(recoveryAtWork, logBefore) ? "" : " (recovery had nothing to do: killed once up)";
    }
    report.add(what);
    skiffd.startAgain();
    reconnect();
    System.out.println("CrashRecoveryIT: " + what + "; recovery: "
        + recoveryLines(skiffd.logText().substring(logBefore)));
    try {
      assertEverythingBelongsToWhatSkiffdLists(what);
      removeEverythingListed(what);
      assertNothingLeft(what);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(what + ": " + e + "\nkills so far:\n  " + String.join("\n  ", report)
          + "\nskiffd log tail:\n" + tail(skiffd.logText(), 60), e);
    }
    return fired.callNanos();
  }

  /** A step ready to be called: the call, and the pod and (first) container it works on, if any. */
  record Prepared(Supplier<Object> call, String pod, String container) {}

  /** A kill aimed at a moment of a step. */
  record Aim(Step step, String moment, Function<Prepared, BooleanSupplier> killWhen) {}

  /** Builds what the step needs and returns the call to crash in. */
  private Prepared prepare(Step step) {
    int n = ++serial;
    var runtime = client.runtime();
    PodSandboxConfig pod = podConfig(n);
    if (step == Step.RUN_USERNS_POD) {
      IDMapping ids = IDMapping.newBuilder().setContainerId(0).setHostId(2_000_000_000 + n * 65_536)
          .setLength(65_536).build();
      PodSandboxConfig userns = pod.toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
          LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setUsernsOptions(
              UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(ids).addGids(ids))))).build();
      return new Prepared(() -> client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(userns)
          .build()), null, null);
    }
    if (step == Step.RUN_POD) {
      return new Prepared(() -> client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod)
          .build()), null, null);
    }
    String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
        .getPodSandboxId();
    // Alternate the PID namespace: POD makes the pod's init process (skiff-shim pod-init).
    NamespaceMode pidMode = n % 2 == 0 ? NamespaceMode.POD : NamespaceMode.CONTAINER;
    CreateContainerRequest create = CreateContainerRequest.newBuilder().setPodSandboxId(podId)
        .setConfig(containerConfig("first", pidMode)).setSandboxConfig(pod).build();
    if (step == Step.CREATE_CONTAINER) {
      return new Prepared(() -> client.runtime().createContainer(create), podId, null);
    }
    String first = runtime.createContainer(create).getContainerId();
    if (step == Step.START_CONTAINER) {
      return new Prepared(() -> client.runtime().startContainer(StartContainerRequest.newBuilder()
          .setContainerId(first).build()), podId, first);
    }
    runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(first).build());
    if (step == Step.REMOVE_CONTAINER) {
      return new Prepared(() -> client.runtime().removeContainer(RemoveContainerRequest.newBuilder()
          .setContainerId(first).build()), podId, first);
    }
    NamespaceMode other = pidMode == NamespaceMode.POD ? NamespaceMode.CONTAINER : NamespaceMode.POD;
    String second = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
        .setConfig(containerConfig("second", other)).setSandboxConfig(pod).build()).getContainerId();
    runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(second).build());
    if (step == Step.STOP_POD) {
      return new Prepared(() -> client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder()
          .setPodSandboxId(podId).build()), podId, first);
    }
    return new Prepared(() -> client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder()
        .setPodSandboxId(podId).build()), podId, first);
  }

  /** Starts skiffd and SIGKILLs it as soon as its log (past logFrom) shows recovery at work, or once it listens. */
  private boolean killDuringRecovery(Pattern atWork, int logFrom) throws Exception {
    skiffd.spawnAgain();
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean reached = false;
    while (System.nanoTime() < giveUp) {
      String log = skiffd.logText();
      String fresh = log.length() > logFrom ? log.substring(logFrom) : "";
      if (atWork.matcher(fresh).find()) {
        reached = true;
        break;
      }
      if (fresh.contains("serving CRI")) {
        break;
      }
      Thread.sleep(1);
    }
    skiffd.kill();
    return reached;
  }

  /** The machine scans are not blind: they see the prepared pod's cgroups and pins, and its container's shim. */
  private void assertTheScansSee(Prepared prepared) throws Exception {
    if (prepared.pod() == null) {
      return;
    }
    long podCgroups = MachineTraces.cgroupsBelow(cgroupRoots).stream()
        .filter(cgroup -> cgroup.endsWith(": pod-" + prepared.pod())).count();
    assertEquals(cgroupRoots.size(), podCgroups, "the pod's cgroup in every hierarchy below " + cgroupRoots);
    assertTrue(MachineTraces.mountsBelow(skiffd.dir())
        .contains(skiffd.runDir().resolve("pods").resolve(prepared.pod()).resolve("ns/net")), "the pod's netns pin");
    if (prepared.container() != null) {
      String bundle = bundleOf(prepared.container()).toString();
      assertTrue(MachineTraces.processesNaming(skiffd.pid(), skiffd.dir().toString()).stream()
          .anyMatch(process -> bundle.equals(process.flag("--bundle"))), "the container's shim");
    }
  }

  /** Whether the kill came when aimed (before the call returned), and the call's duration (-1: cut off). */
  record Fired(boolean reached, long callNanos) {}

  /**
   * Starts the call on its own thread and SIGKILLs skiffd (by pid) as soon as killNow says so,
   * or once the call returned.
   */
  private Fired fire(Supplier<Object> call, BooleanSupplier killNow) throws Exception {
    CountDownLatch calling = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    AtomicLong took = new AtomicLong(-1);
    Thread caller = new Thread(() -> {
      calling.countDown();
      long start = System.nanoTime();
      try {
        call.get();
        took.set(System.nanoTime() - start);
      } catch (RuntimeException cutOff) {
        // UNAVAILABLE when the kill came first.
      }
      returned.set(true);
    }, "crash-caller");
    caller.start();
    calling.await();
    boolean reached = false;
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < giveUp) {
      boolean done = returned.get();
      if (killNow.getAsBoolean()) {
        reached = !done;
        break;
      }
      if (done) {
        break;
      }
      Thread.onSpinWait();
    }
    skiffd.kill();
    caller.join(TimeUnit.SECONDS.toMillis(30));
    assertTrue(!caller.isAlive(), "the call did not end after skiffd was killed");
    return new Fired(reached, took.get());
  }

  /** The IPAM file holding the pod's address (named by the address, holding the pod id). */
  private Path reservationOf(String podId) {
    for (Path file : entries(skiffd.stateDir().resolve("network/ipam"))) {
      try {
        if (Files.readString(file).strip().equals(podId)) {
          return file;
        }
      } catch (java.io.IOException e) {
        // released meanwhile
      }
    }
    throw new AssertionError("pod " + podId + " holds no IP reservation");
  }

  private Path bundleOf(String containerId) {
    return skiffd.runDir().resolve("containers").resolve(containerId.substring(0, 32));
  }

  /** True once a new entry of dir (one not there now) has child (or is new, for ""). */
  private static BooleanSupplier appears(Path dir, String child) {
    Set<Path> before = new HashSet<>(entries(dir));
    return () -> entries(dir).stream().anyMatch(entry -> !before.contains(entry)
        && (child.isEmpty() || Files.exists(entry.resolve(child))));
  }

  private static BooleanSupplier exists(Path path) {
    return () -> Files.exists(path);
  }

  private static BooleanSupplier gone(Path path) {
    return () -> !Files.exists(path);
  }

  private static List<Path> entries(Path dir) {
    try {
      return MachineTraces.entriesOf(dir);
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  /** A new channel to the restarted skiffd, connected before any timed call. */
  private void reconnect() throws InterruptedException {
    client.close();
    client = new CriClient(skiffd.socket());
    client.runtime().version(VersionRequest.getDefaultInstance());
  }

  private void assertEverythingBelongsToWhatSkiffdLists(String what) throws Exception {
    var runtime = client.runtime();
    Map<String, String> podIps = new HashMap<>();
    Set<String> pods = new HashSet<>();
    for (var pod : runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
      pods.add(pod.getId());
      if (pod.getState() == PodSandboxState.SANDBOX_READY) {
        String ip = runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod.getId()).build())
            .getStatus().getNetwork().getIp();
        if (!ip.isEmpty()) {
          podIps.put(ip, pod.getId());
        }
      }
    }
    Map<String, String> containers = new HashMap<>();
    for (var container : runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
      assertTrue(pods.contains(container.getPodSandboxId()), what + ": container " + container.getId()
          + " is listed, its pod " + container.getPodSandboxId() + " is not");
      containers.put(container.getId(), container.getPodSandboxId());
    }

    Path run = skiffd.runDir();
    for (Path mount : MachineTraces.mountsBelow(skiffd.dir())) {
      String rel = mount.startsWith(run) ? run.relativize(mount).toString() : mount.toString();
      boolean owned = rel.matches("containers/[0-9a-f]{32}/rootfs")
          ? containers.keySet().stream().anyMatch(id -> id.startsWith(rel.split("/")[1]))
          : rel.matches("pods/[0-9a-f]{64}/(ns/(net|ipc|uts|user)|shm)") && pods.contains(rel.split("/")[1]);
      assertTrue(owned, what + ": mount " + mount + " belongs to no listed pod or container");
    }

    for (String cgroup : MachineTraces.cgroupsBelow(cgroupRoots)) {
      String[] parts = cgroup.substring(cgroup.indexOf(": ") + 2).split("/");
      String pod = parts[0].startsWith("pod-") ? parts[0].substring(4) : "";
      boolean owned = pods.contains(pod) && (parts.length == 1
          || parts.length == 2 && (parts[1].equals("pod-init")
              || parts[1].startsWith("ctr-") && pod.equals(containers.get(parts[1].substring(4)))));
      assertTrue(owned, what + ": cgroup " + cgroup + " belongs to no listed pod or container");
    }

    for (ProcessTrace process : MachineTraces.processesNaming(skiffd.pid(), skiffd.dir().toString(), MARKER)) {
      String owner = ownerOf(process, run);
      boolean owned = owner != null
          && (pods.contains(owner) || containers.keySet().stream().anyMatch(id -> id.startsWith(owner)));
      assertTrue(owned, what + ": process " + process + " belongs to no listed pod or container");
    }

    // A READY pod has what makes it one: its address reserved for it, and its veth.
    List<String> links = MachineTraces.links(skiffd.netns());
    for (Map.Entry<String, String> ready : podIps.entrySet()) {
      Path reservation = skiffd.stateDir().resolve("network/ipam").resolve(ready.getKey());
      assertTrue(Files.exists(reservation) && Files.readString(reservation).strip().equals(ready.getValue()),
          what + ": ready pod " + ready.getValue() + " has lost its IP reservation " + ready.getKey());
      assertTrue(links.contains("skf" + ready.getValue().substring(0, 12)),
          what + ": ready pod " + ready.getValue() + " has lost its veth");
    }
    for (String link : links) {
      if (link.startsWith("skf")) {
        assertTrue(podIps.values().stream().anyMatch(id -> id.startsWith(link.substring(3))),
            what + ": veth " + link + " belongs to no listed ready pod");
      }
    }
    for (String element : MachineTraces.hostPortElements(skiffd.netns())) {
      String target = element.substring(element.indexOf(" : ") + 3).split(" ")[0];
      assertTrue(podIps.containsKey(target), what + ": host port " + element + " maps to no listed ready pod");
    }
  }

  /**
   * The pod or container a process belongs to: a shim names its bundle, a pod init its pod's
   * state file, a container process (running the marker) sits in its container's cgroup.
   * Null when it belongs to nothing skiff knows.
   */
  private static String ownerOf(ProcessTrace process, Path run) {
    if (process.argv().get(0).endsWith("skiff-shim")) {
      String bundle = process.flag("--bundle");
      String state = process.flag("--state");
      if (bundle != null && Path.of(bundle).getParent().equals(run.resolve("containers"))) {
        return Path.of(bundle).getFileName().toString();   // the first 32 digits of the container id
      }
      if (state != null && Path.of(state).getParent().getParent().equals(run.resolve("pods"))) {
        return Path.of(state).getParent().getFileName().toString();
      }
      return null;
    }
    if (String.join(" ", process.argv()).contains(MARKER)) {
      String owner = null;
      for (String line : process.cgroups()) {
        Matcher matcher = CONTAINER_CGROUP.matcher(line);
        if (matcher.find()) {
          if (owner != null && !owner.equals(matcher.group(1))) {
            return null;
          }
          owner = matcher.group(1);
        }
      }
      return owner;
    }
    return null;
  }

  private void removeEverythingListed(String what) throws Exception {
    var runtime = client.runtime();
    for (var container : runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
      runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(container.getId()).build());
    }
    for (var pod : runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
      runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
      runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
    }
    assertEquals(0, runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount(), what);
    assertEquals(0, runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount(), what);
  }

  private void assertNothingLeft(String what) throws Exception {
    String prefix = what + ", after removing everything listed: ";
    assertEquals(List.of(), MachineTraces.mountsBelow(skiffd.dir()), prefix + "mounts are left");
    assertEquals(List.of(), MachineTraces.cgroupsBelow(cgroupRoots), prefix + "cgroups are left");
    // Killed processes and the veths of destroyed namespaces take a moment to go.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    List<ProcessTrace> processes;
    List<String> veths;
    do {
      processes = MachineTraces.processesNaming(skiffd.pid(), skiffd.dir().toString(), MARKER);
      veths = MachineTraces.links(skiffd.netns()).stream().filter(link -> link.startsWith("skf")).toList();
      if (processes.isEmpty() && veths.isEmpty()) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertEquals(List.of(), processes, prefix + "processes are left");
    assertEquals(List.of(), veths, prefix + "veths are left");
    assertEquals(List.of(), MachineTraces.hostPortElements(skiffd.netns()), prefix + "host ports are left");

    Path state = skiffd.stateDir();
    MachineTraces.assertNoPodOrContainerDirectories(skiffd, prefix);
    assertEquals(List.of(), MachineTraces.filesBelow(state.resolve("pods")), prefix + "pod records are left");
    assertEquals(List.of(), MachineTraces.filesBelow(state.resolve("containers")),
        prefix + "container records are left");
    assertEquals(List.of(), MachineTraces.filesBelow(state.resolve("network/ipam")).stream()
        .filter(file -> !file.getFileName().toString().equals("last_reserved")).toList(),
        prefix + "IP reservations are left");
    List<Path> temps = new ArrayList<>(MachineTraces.filesBelow(state));
    temps.addAll(MachineTraces.filesBelow(skiffd.runDir()));
    assertEquals(List.of(), temps.stream().filter(file -> file.getFileName().toString().endsWith(".tmp")).toList(),
        prefix + "temp files are left");
  }

  private PodSandboxConfig podConfig(int n) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("crash-" + n).setNamespace("crash").setUid("uid-" + n))
        .setHostname("crash-" + n)
        .setLogDirectory(skiffd.dir().resolve("logs/crash-" + n).toString())
        .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80)
            .setHostPort(30000 + n))
        .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
        .build();
  }

  private static ContainerConfig containerConfig(String name, NamespaceMode pidMode) {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX))
        // Ends at once on SIGTERM, so the stops in the crashed calls do not wait out a grace period;
        // the sleep holds no pipe of the shim's, which would wait for it when it outlives sh (pid POD).
        .addCommand("sh").addCommand("-c").addCommand("trap 'exit 0' TERM; sleep " + MARKER + " </dev/null >/dev/null 2>&1 & wait")
        .setLogPath(name + "/0.log")
        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(NamespaceOption.newBuilder().setPid(pidMode))))
        .build();
  }

  /** What a restarted skiffd said it recovered and cleaned. */
  private static String recoveryLines(String log) {
    return String.join(" | ", log.lines()
        .filter(line -> line.contains("Recovered") || line.contains("Cleaning") || line.contains("orphan")
            || line.contains("Cannot") || line.contains("Deleting") || line.contains("Released")
            || line.contains("half-created"))
        .map(line -> line.replaceAll(".*msg=", "")).toList());
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
