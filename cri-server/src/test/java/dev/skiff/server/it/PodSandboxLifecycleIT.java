package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.PortMapping;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Many pods, bad input, failures half-way and restarts: each leaves nothing behind or loses nothing. */
class PodSandboxLifecycleIT {
  private static PodSandboxConfig config(String name) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("it").setUid("uid-" + name))
        .setHostname(name)
        .putLabels("app", name)
        .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
        .build();
  }

  private static String run(CriClient client, PodSandboxConfig config) {
    return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
        .getPodSandboxId();
  }

  private static void stopAndRemove(CriClient client, String id) {
    client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
  }

  private static StatusRuntimeException fails(Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return e;
  }

  /** Nothing of any pod is left: mounts, pod dirs, veths, nftables elements, cgroups, IP reservations, records. */
  private static void assertNoPodLeft(SkiffdProcess skiffd) throws IOException {
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertFalse(mounts.contains(skiffd.runDir().toString()), "a mount below the run dir is left");
    Path pods = skiffd.runDir().resolve("pods");
    assertTrue(!Files.exists(pods) || list(pods).isEmpty(), "pod directories left: " + list(pods));
    String links = skiffd.netns().exec("ip", "-o", "link").orThrow("ip link").stdout();
    assertFalse(links.contains("skf"), "a veth is left:\n" + links);
    String table = skiffd.netns().exec("nft", "list", "table", "ip", "skiff").orThrow("nft").stdout();
    assertFalse(table.contains("elements = { tcp") || table.contains("elements = { udp"), table);
    for (Path own : OwnCgroups.directories()) {
      Path root = own.resolve(skiffd.cgroupRoot());
      if (Files.isDirectory(root)) {
        assertTrue(list(root).stream().noneMatch(Files::isDirectory), "cgroups left below " + root);
      }
    }
    assertTrue(list(skiffd.stateDir().resolve("network/ipam")).stream()
        .allMatch(p -> p.getFileName().toString().equals("last_reserved")), "IP reservations left");
    assertTrue(list(skiffd.stateDir().resolve("pods")).isEmpty(), "pod records left");
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }

  @Test
  void fiftyPodsCreatedAndRemovedInALoopLeaveNothingBehind() throws Exception {
    try (SkiffdProcess skiffd = SkiffdProcess.start("");
        CriClient client = new CriClient(skiffd.socket())) {
      for (int i = 0; i < 50; i++) {
        PodSandboxConfig config = config("loop-" + i).toBuilder()
            .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(20000 + i)).build();
        String id = run(client, config);
        stopAndRemove(client, id);
      }
      assertEquals(0, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
      assertNoPodLeft(skiffd);
    }
  }

  @Test
  void badInputGetsTheRightCodeAndChangesNothing() throws Exception {
    try (SkiffdProcess skiffd = SkiffdProcess.start("");
        CriClient client = new CriClient(skiffd.socket())) {
      String id = run(client, config("dup"));
      StatusRuntimeException dup = fails(Status.Code.ALREADY_EXISTS, () -> run(client, config("dup")));
      assertTrue(dup.getStatus().getDescription().contains(id), dup.getStatus().getDescription());

      fails(Status.Code.INVALID_ARGUMENT, () -> run(client, config("x").toBuilder().clearMetadata().build()));
      fails(Status.Code.INVALID_ARGUMENT, () -> client.runtime().runPodSandbox(RunPodSandboxRequest.getDefaultInstance()));
      StatusRuntimeException handler = fails(Status.Code.INVALID_ARGUMENT, () -> client.runtime().runPodSandbox(
          RunPodSandboxRequest.newBuilder().setConfig(config("h")).setRuntimeHandler("kata-fc").build()));
      assertTrue(handler.getStatus().getDescription().contains("kata-fc"), handler.getStatus().getDescription());
      for (String sysctl : List.of("kernel.panic", "vm.swappiness", "net/../../../etc/passwd")) {
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> run(client, config("s").toBuilder()
            .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls(sysctl, "1")).build()));
        assertTrue(e.getStatus().getDescription().contains(sysctl), e.getStatus().getDescription());
      }
      fails(Status.Code.INVALID_ARGUMENT, () -> run(client, config("p").toBuilder()
          .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/../../escape")).build()));
      fails(Status.Code.INVALID_ARGUMENT, () -> run(client, config("port").toBuilder()
          .addPortMappings(PortMapping.newBuilder().setContainerPort(70000).setHostPort(80)).build()));

      String unknown = "0".repeat(64);
      StatusRuntimeException notFound = fails(Status.Code.NOT_FOUND, () -> client.runtime().podSandboxStatus(
          PodSandboxStatusRequest.newBuilder().setPodSandboxId(unknown).build()));
      assertTrue(notFound.getStatus().getDescription().contains(unknown));
      client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(unknown).build());
      client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(unknown).build());
      fails(Status.Code.INVALID_ARGUMENT, () -> client.runtime().stopPodSandbox(StopPodSandboxRequest.getDefaultInstance()));

      // A host port already mapped to another pod: refused, and the second pod leaves nothing.
      PortMapping port = PortMapping.newBuilder().setContainerPort(80).setHostPort(30080).build();
      String holder = run(client, config("port-a").toBuilder().addPortMappings(port).build());
      StatusRuntimeException taken = fails(Status.Code.FAILED_PRECONDITION,
          () -> run(client, config("port-b").toBuilder().addPortMappings(port).build()));
      assertTrue(taken.getStatus().getDescription().contains("30080"), taken.getStatus().getDescription());

      // Only the two good pods exist; the failures left nothing.
      assertEquals(2, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
      stopAndRemove(client, id);
      stopAndRemove(client, holder);
      assertNoPodLeft(skiffd);
    }
  }

  @Test
  void anExhaustedAddressRangeRollsBackEverythingAndSaysWhy() throws Exception {
    // A /30 has one pod address besides network, gateway and broadcast.
    try (SkiffdProcess skiffd = SkiffdProcess.start("[network]\npod_cidr = \"10.89.0.0/30\"\n");
        CriClient client = new CriClient(skiffd.socket())) {
      String only = run(client, config("only"));
      StatusRuntimeException e = fails(Status.Code.RESOURCE_EXHAUSTED, () -> run(client, config("one-too-many")));
      assertTrue(e.getStatus().getDescription().contains("10.89.0.0/30"), e.getStatus().getDescription());
      // The failed pod's name is free again and its namespaces, files and cgroup are gone.
      assertEquals(1, Files.list(skiffd.runDir().resolve("pods")).count());
      stopAndRemove(client, only);
      String retried = run(client, config("one-too-many"));
      stopAndRemove(client, retried);
      assertNoPodLeft(skiffd);
    }
  }

  @Test
  void aRestartedSkiffdFindsEveryPodAsItWas() throws Exception {
    try (SkiffdProcess skiffd = SkiffdProcess.start("")) {
      String ready = PodConfigs.run(skiffd, "survivor", "\"port_mappings\": [{\"protocol\": 0,"
          + " \"container_port\": 80, \"host_port\": 18090}]");
      String stopped = PodConfigs.run(skiffd, "stopped", "");
      skiffd.crictl("stopp", stopped).orThrow("stopp");
      PodSandboxLeaks before = PodSandboxLeaks.inspect(skiffd, ready);
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      var listBefore = json.readTree(skiffd.crictl("pods", "-o", "json").orThrow("pods").stdout());

      skiffd.kill();
      skiffd.restart();

      var listAfter = json.readTree(skiffd.crictl("pods", "-o", "json").orThrow("pods after restart").stdout());
      assertEquals(2, listAfter.path("items").size());
      assertEquals(listBefore, listAfter);
      PodSandboxLeaks after = PodSandboxLeaks.inspect(skiffd, ready);
      assertEquals(before, after);
      String table = skiffd.netns().exec("nft", "list", "table", "ip", "skiff").orThrow("nft").stdout();
      assertTrue(table.contains("tcp . 18090 : " + before.ip() + " . 80"), "host port not restored:\n" + table);
      // Its address is still reserved: the next pod gets another one.
      String next = PodConfigs.run(skiffd, "after-restart", "");
      assertTrue(!PodSandboxLeaks.inspect(skiffd, next).ip().equals(before.ip()));
      for (String id : List.of(ready, stopped, next)) {
        skiffd.crictl("stopp", id).orThrow("stopp");
        skiffd.crictl("rmp", id).orThrow("rmp");
      }
      before.assertNothingLeft(skiffd);
    }
  }
}
