package dev.skiff.server.it;

import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PortMapping;
import dev.skiff.cri.v1.Protocol;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark command (not a test): RunPodSandbox, StopPodSandbox and RemovePodSandbox N times
 * over direct gRPC against the real skiffd in a private netns, printing median and p90 per
 * step. crictl is not used: its own start-up (about 70 ms) would hide the runtime's time.
 * Run with bin/bench-pods [RUNS [WARMUP [HOST_PORTS]]] after mvn verify (it needs the test
 * classes); HOST_PORTS (default 0) gives every pod that many TCP host port mappings.
 */
public final class PodSandboxBenchmark {
  private PodSandboxBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int hostPorts = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    List<Long> run = new ArrayList<>();
    List<Long> stop = new ArrayList<>();
    List<Long> remove = new ArrayList<>();
    try (SkiffdProcess skiffd = SkiffdProcess.start("");
        CriClient client = new CriClient(skiffd.socket())) {
      for (int i = 0; i < warmup + runs; i++) {
        PodSandboxConfig config = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName("bench-" + i).setNamespace("bench").setUid("u" + i))
            .setHostname("bench-" + i)
            .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
            .addAllPortMappings(portMappings(hostPorts))
            .build();
        long t0 = System.nanoTime();
        String id = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
        long t1 = System.nanoTime();
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        long t2 = System.nanoTime();
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        long t3 = System.nanoTime();
        if (i >= warmup) {
          run.add(t1 - t0);
          stop.add(t2 - t1);
          remove.add(t3 - t2);
        }
      }
    }
    System.out.printf("pod sandbox lifecycle, %d runs after %d warm-up, %d host ports per pod (ms)%n",
        runs, warmup, hostPorts);
    Latencies.header();
    Latencies.print("RunPodSandbox", run);
    Latencies.print("StopPodSandbox", stop);
    Latencies.print("RemovePodSandbox", remove);
  }

  /** TCP host ports 30000, 30001... (each pod is removed before the next one starts). */
  private static List<PortMapping> portMappings(int count) {
    List<PortMapping> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(PortMapping.newBuilder().setProtocol(Protocol.TCP).setHostPort(30000 + i).setContainerPort(8080 + i).build());
    }
    return ports;
  }

}
