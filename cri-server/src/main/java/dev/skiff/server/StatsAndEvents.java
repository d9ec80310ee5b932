package dev.skiff.server;

import dev.skiff.runtime.stats.CgroupStatsReader;
import dev.skiff.runtime.stats.PodNetworkReader;
import dev.skiff.server.rpc.container.ContainerEvent;
import dev.skiff.server.rpc.container.ContainerEventListener;
import dev.skiff.server.rpc.container.ContainerStatusRpc;
import dev.skiff.server.rpc.events.ContainerEventHub;
import dev.skiff.server.rpc.stats.ContainerStatsRpc;
import dev.skiff.server.rpc.stats.ListContainerStatsRpc;
import dev.skiff.server.rpc.stats.ListMetricDescriptorsRpc;
import dev.skiff.server.rpc.stats.ListPodSandboxMetricsRpc;
import dev.skiff.server.rpc.stats.ListPodSandboxStatsRpc;
import dev.skiff.server.rpc.stats.PodSandboxStatsRpc;
import dev.skiff.server.rpc.stats.StatsRpcs;
import dev.skiff.server.rpc.stats.StatsSampler;
import dev.skiff.server.state.ContainerStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Stats, metrics and container events wired together: readers, sampler, stats pool, event hub, RPCs. */
public final class StatsAndEvents {
  /** Events a GetContainerEvents subscriber may fall behind by before its stream is closed. */
  static final int EVENT_BUFFER = 1024;

  private final StatsSampler sampler;
  private final ContainerEventHub hub;
  private final StatsRpcs rpcs;

  private StatsAndEvents(StatsSampler sampler, ContainerEventHub hub, StatsRpcs rpcs) {
    this.sampler = sampler;
    this.hub = hub;
    this.rpcs = rpcs;
  }

  public static StatsAndEvents create(PodSandboxes pods, ContainerStore containers) {
    StatsSampler sampler = new StatsSampler(CgroupStatsReader.of(pods.cgroups().hierarchies()),
        new PodNetworkReader(), containers, Clock.systemUTC());
    ExecutorService pool = statsPool();
    StatsRpcs rpcs = new StatsRpcs(
        new ContainerStatsRpc(containers, sampler),
        new ListContainerStatsRpc(containers, sampler, pool),
        new PodSandboxStatsRpc(pods.store(), sampler),
        new ListPodSandboxStatsRpc(pods.store(), sampler, pool),
        new ListMetricDescriptorsRpc(),
        new ListPodSandboxMetricsRpc(pods.store(), sampler, pool));
    ContainerEventHub hub = new ContainerEventHub(pods.rpcs().status(), new ContainerStatusRpc(containers), containers,
        EVENT_BUFFER);
    return new StatsAndEvents(sampler, hub, rpcs);
  }

  /** What the container RPCs report each state change to: the event streams, then the CPU-rate memory. */
  public ContainerEventListener listener() {
    return event -> {
      ContainerEventListener.LOGGING.onEvent(event);
      hub.onEvent(event);
      if (event.type() == ContainerEvent.Type.DELETED) {
        sampler.forgetContainer(event.containerId());
      }
    };
  }

  public StatsRpcs rpcs() {
    return rpcs;
  }

  public ContainerEventHub hub() {
    return hub;
  }

  private static ExecutorService statsPool() {
    AtomicInteger counter = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "skiff-stats-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }
}
