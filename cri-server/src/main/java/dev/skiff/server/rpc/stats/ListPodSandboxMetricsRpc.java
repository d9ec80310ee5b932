package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ContainerMetrics;
import dev.skiff.cri.v1.ListPodSandboxMetricsRequest;
import dev.skiff.cri.v1.ListPodSandboxMetricsResponse;
import dev.skiff.cri.v1.Metric;
import dev.skiff.cri.v1.PodSandboxMetrics;
import dev.skiff.runtime.stats.CgroupSample;
import dev.skiff.runtime.stats.InterfaceCounters;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * ListPodSandboxMetrics: the {@link CadvisorMetric}s of every ready pod and its containers,
 * labelled as cAdvisor labels them for kubelet: container (the name; "POD" for the pod's own
 * network, as cAdvisor names the sandbox), id (the cgroup), image, name (the runtime's id),
 * namespace and pod.
 */
public final class ListPodSandboxMetricsRpc implements Rpc<ListPodSandboxMetricsRequest, ListPodSandboxMetricsResponse> {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final PodStore pods;
  private final StatsSampler sampler;
  private final ExecutorService pool;

  public ListPodSandboxMetricsRpc(PodStore pods, StatsSampler sampler, ExecutorService pool) {
    this.pods = pods;
    this.sampler = sampler;
    this.pool = pool;
  }

  @Override
  public ListPodSandboxMetricsResponse call(ListPodSandboxMetricsRequest request) throws Exception {
    List<PodRecord> ready = pods.all().stream().filter(pod -> pod.state() == PodState.READY).toList();
    return ListPodSandboxMetricsResponse.newBuilder()
        .addAllPodMetrics(ParallelSamples.map(pool, ready, pod -> () -> metrics(sampler.pod(pod))))
        .build();
  }

  private static PodSandboxMetrics metrics(StatsSampler.PodSample sample) {
    PodRecord pod = sample.record();
    List<String> podLabels = List.of("POD", "/" + pod.sandbox().cgroup(), "", pod.id(), pod.metadata().namespace(),
        pod.metadata().name());
    PodSandboxMetrics.Builder metrics = PodSandboxMetrics.newBuilder().setPodSandboxId(pod.id());
    for (InterfaceCounters counters : sample.interfaces()) {
      List<String> labels = with(podLabels, counters.name());
      metrics.addMetrics(metric(CadvisorMetric.NETWORK_RX_BYTES, labels, counters.rxBytes()));
      metrics.addMetrics(metric(CadvisorMetric.NETWORK_RX_ERRORS, labels, counters.rxErrors()));
      metrics.addMetrics(metric(CadvisorMetric.NETWORK_TX_BYTES, labels, counters.txBytes()));
      metrics.addMetrics(metric(CadvisorMetric.NETWORK_TX_ERRORS, labels, counters.txErrors()));
    }
    for (StatsSampler.ContainerSample container : sample.containers()) {
      metrics.addContainerMetrics(containerMetrics(pod, container));
    }
    return metrics.build();
  }

  private static ContainerMetrics containerMetrics(PodRecord pod, StatsSampler.ContainerSample sample) {
    ContainerRecord record = sample.record();
    List<String> labels = List.of(record.metadata().name(), "/" + record.cgroup(), record.image(), record.id(),
        pod.metadata().namespace(), pod.metadata().name());
    List<Metric> metrics = new ArrayList<>();
    CgroupSample cgroup = sample.cgroup();
    cgroup.cpu().ifPresent(cpu ->
        metrics.add(metric(CadvisorMetric.CPU_USAGE_SECONDS, labels, cpu.usageCoreNanos() / NANOS_PER_SECOND)));
    cgroup.memory().ifPresent(memory -> {
      metrics.add(metric(CadvisorMetric.MEMORY_USAGE, labels, memory.usage()));
      metrics.add(metric(CadvisorMetric.MEMORY_WORKING_SET, labels, memory.workingSet()));
      metrics.add(metric(CadvisorMetric.MEMORY_RSS, labels, memory.rss()));
      metrics.add(metric(CadvisorMetric.MEMORY_LIMIT, labels, memory.limit()));
      metrics.add(metric(CadvisorMetric.OOM_EVENTS, labels, memory.oomKills()));
      metrics.add(metric(CadvisorMetric.MEMORY_FAILURES, with(labels, "pgfault", "container"), memory.pageFaults()));
      metrics.add(metric(CadvisorMetric.MEMORY_FAILURES, with(labels, "pgmajfault", "container"),
          memory.majorPageFaults()));
    });
    cgroup.swap().ifPresent(swap -> metrics.add(metric(CadvisorMetric.MEMORY_SWAP, labels, swap.usage())));
    cgroup.processes().ifPresent(count -> metrics.add(metric(CadvisorMetric.PROCESSES, labels, count)));
    List<String> fsLabels = with(labels, sample.layerFs());
    metrics.add(metric(CadvisorMetric.FS_USAGE, fsLabels, sample.layer().bytes()));
    metrics.add(metric(CadvisorMetric.FS_INODES, fsLabels, sample.layer().inodes()));
    return ContainerMetrics.newBuilder().setContainerId(record.id()).addAllMetrics(metrics).build();
  }

  private static Metric metric(CadvisorMetric metric, List<String> labelValues, long value) {
    return Metric.newBuilder()
        .setName(metric.metricName)
        .setMetricType(metric.type)
        .addAllLabelValues(labelValues)
        .setValue(StatsSampler.u64(value))
        .build();
  }

  private static List<String> with(List<String> labels, String... more) {
    List<String> all = new ArrayList<>(labels);
    all.addAll(List.of(more));
    return all;
  }
}
