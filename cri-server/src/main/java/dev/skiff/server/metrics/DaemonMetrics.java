package dev.skiff.server.metrics;

import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * skiffd's own metrics in one Prometheus registry: gRPC calls (see grpc/RpcMetrics), pods
 * and containers by state, live shims, image pulls, JVM memory and threads. Pod, container
 * and shim figures are counted from the stores when scraped, so they can never drift.
 */
public final class DaemonMetrics {
  /** Latency buckets of the gRPC histograms: from a 1 ms status read to a minutes-long pull. */
  public static final Duration[] RPC_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter pulledBytes;
  private final Timer pullDurations;
  private final Counter failedPulls;

  public DaemonMetrics(PodStore pods, ContainerStore containers) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    for (PodState state : PodState.values()) {
      Gauge.builder("skiff.pods", pods, store -> store.all().stream().filter(p -> p.state() == state).count())
          .description("Pod sandboxes by state").tag("state", state.name()).strongReference(true).register(registry);
    }
    ContainerCensus census = new ContainerCensus(containers);
    for (ContainerProcess.Phase phase : ContainerProcess.Phase.values()) {
      Gauge.builder("skiff.containers", census, c -> c.count(phase))
          .description("Containers by state").tag("state", phase.name()).strongReference(true).register(registry);
    }
    Gauge.builder("skiff.shims", census, ContainerCensus::liveShims)
        .description("Container shims alive (one per created or running container)").strongReference(true)
        .register(registry);
    pulledBytes = Counter.builder("skiff.image.pull.bytes").baseUnit("bytes")
        .description("Bytes of images stored by pulls (images already present count nothing)").register(registry);
    pullDurations = Timer.builder("skiff.image.pull.duration").description("Duration of successful image pulls")
        .serviceLevelObjectives(RPC_BUCKETS).register(registry);
    failedPulls = Counter.builder("skiff.image.pull.failures").description("Image pulls that failed")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  void pulled(Duration took, long newBytes) {
    pullDurations.record(took);
    pulledBytes.increment(newBytes);
  }

  void pullFailed() {
    failedPulls.increment();
  }

  /** Counts containers by phase, once per scrape: the gauges of one scrape share a count under a second old. */
  private static final class ContainerCensus {
    private final ContainerStore containers;
    private Map<ContainerProcess.Phase, Long> counts = Map.of();
    private long countedAt;

    ContainerCensus(ContainerStore containers) {
      this.containers = containers;
    }

    synchronized long count(ContainerProcess.Phase phase) {
      return counts().getOrDefault(phase, 0L);
    }

    synchronized long liveShims() {
      Map<ContainerProcess.Phase, Long> now = counts();
      return now.getOrDefault(ContainerProcess.Phase.CREATED, 0L) + now.getOrDefault(ContainerProcess.Phase.RUNNING, 0L);
    }

    private Map<ContainerProcess.Phase, Long> counts() {
      long now = System.nanoTime();
      if (now - countedAt < 1_000_000_000L && !counts.isEmpty()) {
        return counts;
      }
      Map<ContainerProcess.Phase, Long> fresh = new EnumMap<>(ContainerProcess.Phase.class);
      for (var record : containers.all()) {
        Optional<ContainerProcess> process = containers.process(record.id());
        ContainerProcess.Phase phase;
        try {
          phase = process.isPresent() ? process.get().phase() : ContainerProcess.Phase.UNKNOWN;
        } catch (IOException e) {
          phase = ContainerProcess.Phase.UNKNOWN;
        }
        fresh.merge(phase, 1L, Long::sum);
      }
      fresh.putIfAbsent(ContainerProcess.Phase.RUNNING, 0L);
      counts = fresh;
      countedAt = now;
      return counts;
    }
  }
}
