package dev.skiff.server.it;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.ContainerState;
import dev.skiff.cri.v1.ContainerStatusRequest;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxContainerConfig;
import dev.skiff.cri.v1.LinuxContainerSecurityContext;
import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.NamespaceMode;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark command (not a test): StopPodSandbox of a pod whose two containers (one in the
 * pod's shared PID namespace, one in its own) end at once on SIGTERM, N times over direct
 * gRPC against the real skiffd in a private netns, printing median and p90. What it measures
 * is skiffd's own waiting: the containers need no grace period.
 * Run with bin/bench-pod-stop [RUNS [WARMUP]] after mvn verify (it needs the test classes).
 */
public final class PodStopBenchmark {
  private PodStopBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Long> stop = new ArrayList<>();
    try (BusyboxSkiffd env = BusyboxSkiffd.start("bench-stop", "");
        CriClient client = new CriClient(env.skiffd().socket())) {
      var runtime = client.runtime();
      for (int i = 0; i < warmup + runs; i++) {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName("stop-" + i).setNamespace("bench").setUid("u" + i))
            .setHostname("stop-" + i)
            .setLogDirectory(env.skiffd().dir().resolve("logs/stop-" + i).toString())
            .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
            .build();
        String id = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
        List<String> containers = new ArrayList<>();
        for (NamespaceMode pid : List.of(NamespaceMode.POD, NamespaceMode.CONTAINER)) {
          String container = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(id)
              .setConfig(container("c-" + pid.name().toLowerCase(), pid)).setSandboxConfig(pod).build())
              .getContainerId();
          runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
          containers.add(container);
        }
        // The trap must be installed before the stop, or the SIGTERM waits out a handler poll.
        for (String container : containers) {
          awaitRunningWithHandler(client, container);
        }
        long t0 = System.nanoTime();
        runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        long t1 = System.nanoTime();
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        if (i >= warmup) {
          stop.add(t1 - t0);
        }
      }
    }
    System.out.printf("StopPodSandbox with two containers ending on SIGTERM, %d runs after %d warm-up (ms)%n",
        runs, warmup);
    Latencies.header();
    Latencies.print("StopPodSandbox", stop);
  }

  private static void awaitRunningWithHandler(CriClient client, String container) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      var status = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container)
          .build()).getStatus();
      if (status.getState() == ContainerState.CONTAINER_RUNNING) {
        break;
      }
      Thread.sleep(10);
    }
    Thread.sleep(100);
  }

  private static ContainerConfig container(String name, NamespaceMode pidMode) {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX))
        .addCommand("sh").addCommand("-c").addCommand("trap 'exit 0' TERM; sleep 100000 </dev/null >/dev/null 2>&1 & wait")
        .setLogPath(name + "/0.log")
        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(NamespaceOption.newBuilder().setPid(pidMode))))
        .build();
  }
}
