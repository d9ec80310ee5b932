package dev.skiff.server.stream;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.ExecRequest;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxPodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PullImageRequest;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.runtime.linux.Namespaces;
import dev.skiff.server.it.CommandResult;
import dev.skiff.server.it.CriClient;
import dev.skiff.server.it.CritestRegistry;
import dev.skiff.server.it.LiveCommand;
import dev.skiff.server.it.PrivateNetns;
import dev.skiff.server.it.SkiffdProcess;
import dev.skiff.server.it.Tools;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark command (not a test), as the streaming issue asks, against the real skiffd in a
 * private netns with the critest busybox image: the time from the Exec RPC to the first byte
 * of {@code echo hi} on stdout (and to the exit status), over a direct gRPC client and SPDY;
 * beside it {@code crictl exec -s} (ExecSync) and {@code crictl exec} (streaming) latency
 * including crictl's own start; and port-forward throughput for a 256 MiB transfer through
 * {@code crictl port-forward}. Prints medians and p90s. Run with bin/bench-stream [N].
 */
public final class StreamBenchmark {
  private static final long TRANSFER = 256L * 1024 * 1024;

  private StreamBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int crictlRuns = Math.max(10, runs / 4);
    int warmup = 10;
    List<Long> firstByte = new ArrayList<>();
    List<Long> status = new ArrayList<>();
    List<Long> crictlSync = new ArrayList<>();
    List<Long> crictlStream = new ArrayList<>();
    List<Double> mbPerSecond = new ArrayList<>();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (PrivateNetns netns = PrivateNetns.create("sbench");
        CritestRegistry registry = CritestRegistry.start(netns, 5000);
        SkiffdProcess skiffd = SkiffdProcess.startIn(netns, registry.mirrorToml());
        CriClient client = new CriClient(skiffd.socket())) {
      // The streaming server listens on loopback inside the namespace: connect from a thread there.
      ExecutorService inNetns = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
        try {
          Namespaces.join(netns.path(), Namespaces.CLONE_NEWNET);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        r.run();
      }, "bench-netns"));
      var runtime = client.runtime();
      client.images().pullImage(PullImageRequest.newBuilder()
          .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX)).build());
      PodSandboxConfig pod = PodSandboxConfig.newBuilder()
          .setMetadata(PodSandboxMetadata.newBuilder().setName("sbench").setNamespace("bench").setUid("sbench"))
          .setHostname("sbench").setLogDirectory(skiffd.dir().resolve("logs/sbench").toString())
          .setLinux(LinuxPodSandboxConfig.getDefaultInstance()).build();
      String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
      String sleeper = start(runtime, podId, pod, "sleeper", "sleep", "3600");
      start(runtime, podId, pod, "source", "nc", "-ll", "-p", "9000", "-e", "head", "-c", Long.toString(TRANSFER),
          "/dev/zero");

      for (int i = 0; i < warmup + runs; i++) {
        long t0 = System.nanoTime();
        String url = runtime.exec(ExecRequest.newBuilder().setContainerId(sleeper).addCmd("echo").addCmd("hi")
            .setStdout(true).setStderr(true).build()).getUrl();
        long[] times = inNetns.submit(() -> execOnce(group, url)).get(30, TimeUnit.SECONDS);
        if (i >= warmup) {
          firstByte.add(times[0] - t0);
          status.add(times[1] - t0);
        }
      }
      for (int i = 0; i < 2 + crictlRuns; i++) {
        long t0 = System.nanoTime();
        skiffd.crictl("exec", "-s", sleeper, "echo", "hi").orThrow("crictl exec -s");
        long t1 = System.nanoTime();
        skiffd.crictl("exec", sleeper, "echo", "hi").orThrow("crictl exec");
        long t2 = System.nanoTime();
        if (i >= 2) {
          crictlSync.add(t1 - t0);
          crictlStream.add(t2 - t1);
        }
      }
      List<String> forward = netns.wrap(List.of(Tools.tool("crictl").toString(), "--runtime-endpoint",
          skiffd.endpoint(), "port-forward", podId, "19000:9000"));
      try (LiveCommand portForward = LiveCommand.start(forward)) {
        portForward.awaitStdout("Forwarding from", Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
          CommandResult read = netns.exec("python3", "-c", String.join("\n",
              "import socket, time",
              "t = time.monotonic()",
              "s = socket.create_connection(('127.0.0.1', 19000))",
              "n = 0",
              "while True:",
              "    b = s.recv(1 << 20)",
              "    if not b: break",
              "    n += len(b)",
              "print(n, time.monotonic() - t)"));
          String[] f = read.orThrow("port-forward read").stdout().strip().split(" ");
          if (Long.parseLong(f[0]) != TRANSFER) {
            throw new IllegalStateException("port-forward carried " + f[0] + " bytes, not " + TRANSFER);
          }
          if (i > 0) {
            mbPerSecond.add(TRANSFER / 1048576.0 / Double.parseDouble(f[1]));
          }
        }
      }
      inNetns.shutdownNow();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.out.printf("streaming, %d execs after %d warm-up, %d crictl runs (ms)%n", runs, warmup, crictlRuns);
    System.out.printf("%-40s %8s %8s%n", "step", "median", "p90");
    print("Exec RPC -> first byte of 'echo hi'", firstByte);
    print("Exec RPC -> exit status (session end)", status);
    print("crictl exec -s echo hi (ExecSync)", crictlSync);
    print("crictl exec echo hi (streaming)", crictlStream);
    Collections.sort(mbPerSecond);
    System.out.printf("port-forward 256 MiB via crictl: median %.0f MiB/s (runs: %s)%n",
        mbPerSecond.get(mbPerSecond.size() / 2), mbPerSecond.stream().map(v -> String.format("%.0f", v)).toList());
  }

  private static String start(dev.skiff.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime, String podId,
      PodSandboxConfig pod, String name, String... command) {
    ContainerConfig.Builder config = ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(CritestRegistry.BUSYBOX)).setLogPath(name + "/0.log");
    for (String part : command) {
      config.addCommand(part);
    }
    String id = runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
        .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
    runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  /** One SPDY v4 exec session: returns when stdout's first byte came and when the status did (nanoTime). */
  private static long[] execOnce(EventLoopGroup group, String url) throws Exception {
    try (SpdyTestClient spdy = SpdyTestClient.connect(group, url, "POST", List.of("v4.channel.k8s.io"), Map.of())) {
      int error = spdy.open(Map.of("streamtype", "error"));
      int stdout = spdy.open(Map.of("streamtype", "stdout"));
      spdy.open(Map.of("streamtype", "stderr"));
      SpdyTestClient.StreamState out = spdy.stream(stdout);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (out.data.size() == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no output from echo hi within 20 s");
        }
        // Short parks, not a spin: on a 2-core machine a spinning client steals the shim's CPU.
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
      long first = System.nanoTime();
      spdy.awaitEnd(error);
      long end = System.nanoTime();
      if (!spdy.stream(stdout).text().equals("hi\n") || !spdy.stream(error).text().contains("Success")) {
        throw new IllegalStateException("exec said '" + spdy.stream(stdout).text() + "', status '"
            + spdy.stream(error).text() + "'");
      }
      return new long[] {first, end};
    }
  }

  private static void print(String step, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf("%-40s %8.2f %8.2f%n", step, at(sorted, 0.5) / 1e6, at(sorted, 0.9) / 1e6);
  }

  private static long at(List<Long> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }
}
