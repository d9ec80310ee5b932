package dev.skiff.server.it;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.ListContainerStatsRequest;
import dev.skiff.cri.v1.ListPodSandboxStatsRequest;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark command (not a test), as the stats issue asks: PODS pods of PER_POD running
 * busybox sleep containers (default 10 x 10 = 100), then ROUNDS x ListContainerStats and
 * ListPodSandboxStats over direct gRPC against the real skiffd in a private netns; prints
 * median and p90. Run with bin/bench-stats [PODS] [PER_POD] [ROUNDS].
 */
public final class StatsBenchmark {
  private StatsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int perPod = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int warmup = 5;
    List<Long> containerStats = new ArrayList<>();
    List<Long> podStats = new ArrayList<>();
    int listed = 0;
    try (BusyboxSkiffd env = BusyboxSkiffd.start("bench", "");
        CriClient client = new CriClient(env.skiffd().socket())) {
      SkiffdProcess skiffd = env.skiffd();
      var runtime = client.runtime();
      List<String> podIds = new ArrayList<>();
      for (int p = 0; p < pods; p++) {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName("stats-" + p).setNamespace("bench").setUid("s" + p))
            .setHostname("stats-" + p)
            .setLogDirectory(skiffd.dir().resolve("logs/stats-" + p).toString())
            .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
            .build();
        String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
        podIds.add(podId);
        for (int c = 0; c < perPod; c++) {
          ContainerConfig container = ContainerConfig.newBuilder()
              .setMetadata(ContainerMetadata.newBuilder().setName("sleeper-" + c))
              .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX))
              .addCommand("sleep").addCommand("3600")
              .setLogPath("sleeper-" + c + "/0.log")
              .build();
          String id = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
              .setConfig(container).setSandboxConfig(pod).build()).getContainerId();
          runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        }
      }
      for (int i = 0; i < warmup + rounds; i++) {
        long t0 = System.nanoTime();
        listed = runtime.listContainerStats(ListContainerStatsRequest.getDefaultInstance()).getStatsCount();
        long t1 = System.nanoTime();
        runtime.listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance());
        long t2 = System.nanoTime();
        if (i >= warmup) {
          containerStats.add(t1 - t0);
          podStats.add(t2 - t1);
        }
      }
      for (String podId : podIds) {
        runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
      }
    }
    System.out.printf("stats of %d running containers in %d pods, %d rounds after %d warm-up (ms)%n",
        listed, pods, rounds, warmup);
    Latencies.header();
    Latencies.print("ListContainerStats", containerStats);
    Latencies.print("ListPodSandboxStats", podStats);
  }
}
