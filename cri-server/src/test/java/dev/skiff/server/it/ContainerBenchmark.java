package dev.skiff.server.it;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.ExecSyncRequest;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxContainerConfig;
import dev.skiff.cri.v1.LinuxContainerSecurityContext;
import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.LinuxSandboxSecurityContext;
import dev.skiff.cri.v1.NamespaceMode;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.RemoveContainerRequest;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StopContainerRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark command (not a test), as the containers issue asks: with the image present,
 * N x (RunPodSandbox + CreateContainer + StartContainer of busybox sleep, then
 * StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox) and M x ExecSync true,
 * over direct gRPC against the real skiffd in a private netns; prints median and p90 per
 * step and the resident memory of the shims. Run with bin/bench-containers [N] [M];
 * BENCH_KEEP_LOG=FILE keeps a copy of skiffd's debug log (step times per CreateContainer).
 */
public final class ContainerBenchmark {
  /** What kubelet sends for a pod without shareProcessNamespace: each container its own PID namespace. */
  private static final NamespaceOption OWN_PID_NAMESPACE =
      NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER).build();

  private ContainerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int execs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int warmup = 5;
    Map<String, List<Long>> steps = new LinkedHashMap<>();
    for (String step : List.of("RunPodSandbox", "CreateContainer", "StartContainer", "pod ready (sum)",
        "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox", "ExecSync true")) {
      steps.put(step, new ArrayList<>());
    }
    long shimRssKb = 0;
    int shims = 0;
    try (BusyboxSkiffd env = BusyboxSkiffd.start("bench", "");
        CriClient client = new CriClient(env.skiffd().socket())) {
      SkiffdProcess skiffd = env.skiffd();
      for (int i = 0; i < warmup + runs; i++) {
        // A stub's deadline is absolute (60 s from its creation): one stub per round.
        var runtime = client.runtime();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName("bench-" + i).setNamespace("bench").setUid("u" + i))
            .setHostname("bench-" + i)
            .setLogDirectory(skiffd.dir().resolve("logs/bench-" + i).toString())
            .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(OWN_PID_NAMESPACE)))
            .build();
        ContainerConfig container = ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
            .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX))
            .addCommand("sleep").addCommand("3600")
            .setLogPath("sleeper/0.log")
            .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(OWN_PID_NAMESPACE)))
            .build();
        long t0 = System.nanoTime();
        String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
        long t1 = System.nanoTime();
        String id = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
            .setConfig(container).setSandboxConfig(pod).build()).getContainerId();
        long t2 = System.nanoTime();
        runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        long t3 = System.nanoTime();
        if (i == warmup + runs - 1) {
          // The last container stays for the exec loop and the shim's memory.
          for (int e = 0; e < warmup + execs; e++) {
            long e0 = System.nanoTime();
            runtime.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addCmd("true").setTimeout(10).build());
            if (e >= warmup) {
              steps.get("ExecSync true").add(System.nanoTime() - e0);
            }
          }
          String json = skiffd.crictl("inspect", id).orThrow("crictl inspect").stdout();
          Path bundle = Path.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("info")
              .path("bundle").asText());
          for (String line : Files.readAllLines(bundle.resolve("state"))) {
            if (line.startsWith("shim_pid ")) {
              shimRssKb = rssKb(Integer.parseInt(line.substring("shim_pid ".length()).strip()));
              shims = 1;
            }
          }
        }
        long t4 = System.nanoTime();
        runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
        long t5 = System.nanoTime();
        runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        long t6 = System.nanoTime();
        runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        long t7 = System.nanoTime();
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        long t8 = System.nanoTime();
        if (i >= warmup) {
          steps.get("RunPodSandbox").add(t1 - t0);
          steps.get("CreateContainer").add(t2 - t1);
          steps.get("StartContainer").add(t3 - t2);
          steps.get("pod ready (sum)").add(t3 - t0);
          steps.get("StopContainer").add(t5 - t4);
          steps.get("RemoveContainer").add(t6 - t5);
          steps.get("StopPodSandbox").add(t7 - t6);
          steps.get("RemovePodSandbox").add(t8 - t7);
        }
      }
      String keepLog = System.getenv("BENCH_KEEP_LOG");
      if (keepLog != null) {
        // skiffd logs each CreateContainer's step times at debug; the temp dir goes at close.
        Files.copy(skiffd.log(), Path.of(keepLog), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.printf("container lifecycle, %d runs and %d ExecSync after %d warm-up (ms)%n", runs, execs, warmup);
    Latencies.header();
    steps.forEach(Latencies::print);
    System.out.printf("shim resident memory: %d KiB per container (%d shim measured, VmRSS)%n", shimRssKb, shims);
  }

  private static long rssKb(int pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

}
