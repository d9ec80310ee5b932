package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ContainerStatsFilter;
import dev.skiff.cri.v1.ListContainerStatsRequest;
import dev.skiff.cri.v1.ListContainerStatsResponse;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * ListContainerStats: every container matching the filter (id and pod id as prefixes,
 * labels all equal). Containers are sampled in parallel on the stats pool: each sample is a
 * handful of small cgroupfs reads plus a walk of the writable layer. A container removed
 * while it is sampled is left out.
 */
public final class ListContainerStatsRpc implements Rpc<ListContainerStatsRequest, ListContainerStatsResponse> {
  private final ContainerStore containers;
  private final StatsSampler sampler;
  private final ExecutorService pool;

  public ListContainerStatsRpc(ContainerStore containers, StatsSampler sampler, ExecutorService pool) {
    this.containers = containers;
    this.sampler = sampler;
    this.pool = pool;
  }

  @Override
  public ListContainerStatsResponse call(ListContainerStatsRequest request) throws Exception {
    ContainerStatsFilter filter = request.getFilter();
    List<ContainerRecord> candidates = (filter.getId().isEmpty() ? containers.all()
        : containers.withPrefix(filter.getId())).stream()
        .filter(record -> record.podId().startsWith(filter.getPodSandboxId()))
        .filter(record -> StatsFilters.labelsMatch(record.labels(), filter.getLabelSelectorMap()))
        .toList();
    return ListContainerStatsResponse.newBuilder()
        .addAllStats(ParallelSamples.map(pool, candidates, record -> () -> sampler.container(record).toCri()))
        .build();
  }
}
