package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ListPodSandboxStatsRequest;
import dev.skiff.cri.v1.ListPodSandboxStatsResponse;
import dev.skiff.cri.v1.PodSandboxStatsFilter;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodStore;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** ListPodSandboxStats: the stats of every pod matching the filter (id as a prefix, labels all equal), sampled in parallel. */
public final class ListPodSandboxStatsRpc implements Rpc<ListPodSandboxStatsRequest, ListPodSandboxStatsResponse> {
  private final PodStore pods;
  private final StatsSampler sampler;
  private final ExecutorService pool;

  public ListPodSandboxStatsRpc(PodStore pods, StatsSampler sampler, ExecutorService pool) {
    this.pods = pods;
    this.sampler = sampler;
    this.pool = pool;
  }

  @Override
  public ListPodSandboxStatsResponse call(ListPodSandboxStatsRequest request) throws Exception {
    PodSandboxStatsFilter filter = request.getFilter();
    List<PodRecord> candidates = (filter.getId().isEmpty() ? pods.all() : pods.withPrefix(filter.getId())).stream()
        .filter(record -> StatsFilters.labelsMatch(record.labels(), filter.getLabelSelectorMap()))
        .toList();
    return ListPodSandboxStatsResponse.newBuilder()
        .addAllStats(ParallelSamples.map(pool, candidates, record -> () -> sampler.pod(record).toCri()))
        .build();
  }
}
