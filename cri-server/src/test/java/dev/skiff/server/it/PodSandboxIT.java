package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.cri.v1.LinuxContainerResources;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import dev.skiff.cri.v1.UpdatePodSandboxResourcesRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pod sandboxes end to end: the real skiffd in a private netns, driven by the real crictl.
 * Traffic goes only to loopback and to pod addresses inside that namespace.
 */
class PodSandboxIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SkiffdProcess skiffd;

  @BeforeAll
  static void startSkiffd() {
    skiffd = SkiffdProcess.start("");
  }

  @AfterAll
  static void stopSkiffd() {
    if (skiffd != null) {
      skiffd.close();
    }
  }

  private static void stopAndRemove(String id) {
    skiffd.crictl("stopp", id).orThrow("crictl stopp " + id);
    skiffd.crictl("rmp", id).orThrow("crictl rmp " + id);
  }

  /** A busybox nc server inside the pod's network namespace answering every connection with reply. */
  private static Process listen(String netns, int port, String reply) throws Exception {
    Process server = new ProcessBuilder("nsenter", "--net=" + netns, "busybox", "nc", "-ll", "-p",
        Integer.toString(port), "-e", "echo", reply).redirectErrorStream(true).start();
    for (int i = 0; i < 50; i++) {
      // busybox nc listens on the IPv6 wildcard (which takes IPv4 too), so both tables are read.
      String listening = Commands.run(List.of("nsenter", "--net=" + netns, "cat", "/proc/net/tcp", "/proc/net/tcp6"))
          .stdout();
      if (listening.matches("(?s).*:" + String.format("%04X", port) + " 0+:0000 0A.*")) {
        return server;
      }
      Thread.sleep(50);
    }
    server.destroyForcibly();
    throw new AssertionError("nc did not listen on port " + port + " in " + netns);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  private static String connect(String address, int port) {
    return skiffd.netns().exec("busybox", "nc", "-w", "3", address, Integer.toString(port)).stdout().strip();
  }

  @Test
  void podGetsItsHostnameAddressAndNamespacesAndTheNetworkIsReady() throws Exception {
    JsonNode info = JSON.readTree(skiffd.crictl("info").orThrow("crictl info").stdout());
    assertEquals("NetworkReady", info.path("status").path("conditions").get(1).path("type").asText());
    assertTrue(info.path("status").path("conditions").get(1).path("status").asBoolean(), info.toString());

    String id = PodConfigs.run(skiffd, "hostname-pod", "\"dns_config\": {\"servers\": [\"10.96.0.10\"],"
        + " \"searches\": [\"it.svc\"], \"options\": [\"ndots:5\"]}");
    JsonNode inspect = JSON.readTree(skiffd.crictl("inspectp", id).orThrow("inspectp").stdout());
    JsonNode status = inspect.path("status");
    assertEquals("SANDBOX_READY", status.path("state").asText());
    String ip = status.path("network").path("ip").asText();
    assertTrue(ip.startsWith("10.88."), ip);
    assertEquals("hostname-pod", status.path("metadata").path("name").asText());
    assertEquals("note", status.path("annotations").fieldNames().next());
    assertEquals("kept exactly: \u00e9 = ok", status.path("annotations").path("note").asText());
    assertEquals("test", status.path("labels").path("tier").asText());

    JsonNode verbose = inspect.path("info");
    String netns = verbose.path("netns").asText();
    assertEquals("hostname-pod", Commands.run(List.of("nsenter", "--uts=" + verbose.path("utsns").asText(),
        "hostname")).orThrow("hostname in pod").stdout().strip());
    String addresses = Commands.run(List.of("nsenter", "--net=" + netns, "ip", "-4", "-o", "addr"))
        .orThrow("ip addr in pod").stdout();
    assertTrue(addresses.contains("eth0") && addresses.contains(ip + "/16"), addresses);
    assertTrue(addresses.contains("lo") && addresses.contains("127.0.0.1"), addresses);
    String route = Commands.run(List.of("nsenter", "--net=" + netns, "ip", "route", "show", "default"))
        .orThrow("ip route in pod").stdout();
    assertTrue(route.contains("default via 10.88.0.1 dev eth0"), route);
    assertEquals("hostname-pod\n", Files.readString(Path.of(verbose.path("hostnameFile").asText())));
    assertTrue(Files.readString(Path.of(verbose.path("hostsFile").asText())).contains(ip + "\thostname-pod"));
    assertEquals("search it.svc\nnameserver 10.96.0.10\noptions ndots:5\n",
        Files.readString(Path.of(verbose.path("resolvConfFile").asText())));
    String shm = Files.readString(Path.of("/proc/self/mountinfo")).lines()
        .filter(line -> line.contains(verbose.path("shm").asText())).findFirst().orElse("");
    assertTrue(shm.contains("tmpfs") && shm.contains("size=65536k"), "shm mount: " + shm);
    assertEquals("hostname-pod", verbose.path("config").path("metadata").path("name").asText());
    assertTrue(Files.isDirectory(Path.of(verbose.path("cgroupDirectories").get(0).asText())));
    stopAndRemove(id);
  }

  @Test
  void twoPodsPingEachOtherAndTheHostReachesAPodPort() throws Exception {
    String a = PodConfigs.run(skiffd, "ping-a", "");
    String b = PodConfigs.run(skiffd, "ping-b", "");
    PodSandboxLeaks podA = PodSandboxLeaks.inspect(skiffd, a);
    PodSandboxLeaks podB = PodSandboxLeaks.inspect(skiffd, b);
    assertNotEquals(podA.ip(), podB.ip());
    Commands.run(List.of("nsenter", "--net=" + podA.netns(), "busybox", "ping", "-c1", "-W2", podB.ip()))
        .orThrow("ping from pod a to pod b");
    Commands.run(List.of("nsenter", "--net=" + podB.netns(), "busybox", "ping", "-c1", "-W2", podA.ip()))
        .orThrow("ping from pod b to pod a");
    Process server = listen(podA.netns(), 8000, "hello-from-a");
    try {
      assertEquals("hello-from-a", connect(podA.ip(), 8000));
    } finally {
      stop(server);
    }
    stopAndRemove(a);
    stopAndRemove(b);
  }

  @Test
  void hostPortReachesAListenerInsideThePodFromLoopbackAndTheHostAddress() throws Exception {
    String id = PodConfigs.run(skiffd, "hostport", "\"port_mappings\": [{\"protocol\": 0, \"container_port\": 80,"
        + " \"host_port\": 18080}, {\"protocol\": 0, \"container_port\": 81, \"host_port\": 18081,"
        + " \"host_ip\": \"127.0.0.1\"}]");
    PodSandboxLeaks pod = PodSandboxLeaks.inspect(skiffd, id);
    Process http = listen(pod.netns(), 80, "port-80");
    Process other = listen(pod.netns(), 81, "port-81");
    try {
      assertEquals("port-80", connect("127.0.0.1", 18080));
      assertEquals("port-80", connect("10.88.0.1", 18080));
      assertEquals("port-81", connect("127.0.0.1", 18081));
      // host_ip 127.0.0.1 binds only that address.
      assertEquals("", connect("10.88.0.1", 18081));
    } finally {
      stop(http);
      stop(other);
    }
    stopAndRemove(id);
    pod.assertNothingLeft(skiffd);
  }

  @Test
  void stopThenRemoveLeavesNothingBehindAndRepeatingBothSucceeds() throws Exception {
    String id = PodConfigs.run(skiffd, "leak-check", "\"port_mappings\": [{\"protocol\": 1, \"container_port\": 53,"
        + " \"host_port\": 15353}], \"linux\": {\"cgroup_parent\": \"/kubepods/besteffort\","
        + " \"sysctls\": {\"net.ipv4.ip_unprivileged_port_start\": \"0\", \"kernel.shm_rmid_forced\": \"1\"}}");
    PodSandboxLeaks pod = PodSandboxLeaks.inspect(skiffd, id);
    assertEquals("0", Commands.run(List.of("nsenter", "--net=" + pod.netns(), "cat",
        "/proc/sys/net/ipv4/ip_unprivileged_port_start")).orThrow("sysctl in pod").stdout().strip());
    assertTrue(pod.cgroupDirectories().get(0).contains("/kubepods/besteffort/pod-" + id), pod.cgroupDirectories().get(0));
    String table = skiffd.netns().exec("nft", "list", "table", "ip", "skiff").orThrow("nft").stdout();
    assertTrue(table.contains("udp . 15353 : " + pod.ip() + " . 53"), table);

    skiffd.crictl("stopp", id).orThrow("stopp");
    String stopped = skiffd.crictl("inspectp", id).orThrow("inspectp after stop").stdout();
    assertTrue(stopped.contains("SANDBOX_NOTREADY"), stopped);
    assertFalse(skiffd.netns().exec("nft", "list", "table", "ip", "skiff").stdout().contains(pod.ip() + " . "));
    skiffd.crictl("stopp", id).orThrow("second stopp");
    skiffd.crictl("rmp", id).orThrow("rmp");
    // crictl asks for the status before removing, so the repeated remove goes over gRPC directly.
    try (CriClient client = new CriClient(skiffd.socket())) {
      client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
      client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }
    pod.assertNothingLeft(skiffd);
    assertFalse(Files.exists(Path.of(pod.cgroupDirectories().get(0)).getParent()), "empty cgroup parent is left");
  }

  @Test
  void updatePodSandboxResourcesResizesThePodCgroupAndRecordsTheConfig() throws Exception {
    long mib = 1024 * 1024;
    String id = PodConfigs.run(skiffd, "resize", "\"linux\": {\"resources\": {\"memory_limit_in_bytes\": "
        + 64 * mib + ", \"cpu_period\": 100000, \"cpu_quota\": 50000}}");
    PodSandboxLeaks pod = PodSandboxLeaks.inspect(skiffd, id);
    Path memory = cgroupIn(pod, "memory");
    Path cpu = cgroupIn(pod, "cpu");
    assertEquals(64 * mib, Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()));
    try (CriClient client = new CriClient(skiffd.socket())) {
      client.runtime().updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(id)
          .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(128 * mib)
              .setCpuPeriod(100000).setCpuQuota(150000))
          .setOverhead(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16 * mib))
          .build());
      assertEquals(144 * mib, Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()));
      assertEquals("150000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
      JsonNode config = JSON.readTree(client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(id).setVerbose(true).build()).getInfoOrThrow("info")).path("config");
      assertEquals(128 * mib, config.path("linux").path("resources").path("memoryLimitInBytes").asLong());
      assertEquals(16 * mib, config.path("linux").path("overhead").path("memoryLimitInBytes").asLong());
      assertTrue(Files.readString(skiffd.stateDir().resolve("pods").resolve(id + ".json")).contains("150000"),
          "the new config is not in the pod's record");

      assertCode(Status.Code.INVALID_ARGUMENT, () -> client.runtime().updatePodSandboxResources(
          UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(id).build()));
      assertCode(Status.Code.NOT_FOUND, () -> client.runtime().updatePodSandboxResources(
          UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId("nosuchpod")
              .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(mib)).build()));
      skiffd.crictl("stopp", id).orThrow("stopp");
      assertCode(Status.Code.FAILED_PRECONDITION, () -> client.runtime().updatePodSandboxResources(
          UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(id)
              .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(mib)).build()));
    }
    skiffd.crictl("rmp", id).orThrow("rmp");
  }

  private static Path cgroupIn(PodSandboxLeaks pod, String hierarchy) {
    return pod.cgroupDirectories().stream().filter(dir -> dir.startsWith("/sys/fs/cgroup/" + hierarchy + "/"))
        .map(Path::of).findFirst().orElseThrow(() -> new AssertionError("no " + hierarchy + " cgroup in "
            + pod.cgroupDirectories()));
  }

  private static void assertCode(Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getMessage());
  }

  @Test
  void removeOfAReadyPodStopsItFirst() throws Exception {
    String id = PodConfigs.run(skiffd, "remove-ready", "");
    PodSandboxLeaks pod = PodSandboxLeaks.inspect(skiffd, id);
    skiffd.crictl("rmp", "--force", id).orThrow("rmp of a ready pod");
    pod.assertNothingLeft(skiffd);
  }

  @Test
  void listFiltersByIdPrefixStateAndLabels() throws Exception {
    String a = PodConfigs.run(skiffd, "list-a", "");
    String b = PodConfigs.run(skiffd, "list-b", "");
    skiffd.crictl("stopp", b).orThrow("stopp b");
    try {
      assertEquals(a, skiffd.crictl("pods", "-q", "--id", a.substring(0, 8)).orThrow("by prefix").stdout().strip());
      String ready = skiffd.crictl("pods", "-q", "--state", "ready", "--label", "tier=test").orThrow("ready").stdout();
      assertTrue(ready.contains(a) && !ready.contains(b), ready);
      String notReady = skiffd.crictl("pods", "-q", "--state", "notready").orThrow("notready").stdout();
      assertTrue(notReady.contains(b) && !notReady.contains(a), notReady);
      assertEquals(b, skiffd.crictl("pods", "-q", "--label", "app=list-b").orThrow("label").stdout().strip());
      assertEquals("", skiffd.crictl("pods", "-q", "--label", "app=nobody").orThrow("no match").stdout().strip());
      assertEquals(a, skiffd.crictl("pods", "-q", "--name", "list-a").orThrow("by name").stdout().strip());
    } finally {
      stopAndRemove(a);
      stopAndRemove(b);
    }
  }

  @Test
  void hostNetworkPodUsesTheHostNamespacesAndHasNoPodNetwork() throws Exception {
    String id = PodConfigs.run(skiffd, "host-net", "\"linux\": {\"security_context\": {\"namespace_options\":"
        + " {\"network\": 2, \"ipc\": 2, \"pid\": 2}}}");
    JsonNode inspect = JSON.readTree(skiffd.crictl("inspectp", id).orThrow("inspectp").stdout());
    assertTrue(inspect.path("status").path("network").path("ip").asText().isEmpty(), inspect.toString());
    assertTrue(inspect.path("info").path("netns").isNull(), inspect.path("info").toString());
    assertEquals("NODE", inspect.path("status").path("linux").path("namespaces").path("options").path("network").asText());
    assertEquals("/dev/shm", inspect.path("info").path("shm").asText());
    stopAndRemove(id);
  }
}
