package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.PodSandboxStatsRequest;
import dev.skiff.cri.v1.PodSandboxStatsResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodStore;

/** PodSandboxStats: the pod cgroup's CPU, memory and process count, its network and each container's stats. */
public final class PodSandboxStatsRpc implements Rpc<PodSandboxStatsRequest, PodSandboxStatsResponse> {
  private final PodStore pods;
  private final StatsSampler sampler;

  public PodSandboxStatsRpc(PodStore pods, StatsSampler sampler) {
    this.pods = pods;
    this.sampler = sampler;
  }

  @Override
  public PodSandboxStatsResponse call(PodSandboxStatsRequest request) throws Exception {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    PodRecord record = pods.find(request.getPodSandboxId())
        .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
    return PodSandboxStatsResponse.newBuilder().setStats(sampler.pod(record).toCri()).build();
  }
}
