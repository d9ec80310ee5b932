package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ContainerStatsRequest;
import dev.skiff.cri.v1.ContainerStatsResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;

/**
 * ContainerStats: the figures of one container. A stopped container answers with what its
 * cgroup still shows (kept until RemoveContainer) and its writable layer, as containerd does.
 */
public final class ContainerStatsRpc implements Rpc<ContainerStatsRequest, ContainerStatsResponse> {
  private final ContainerStore containers;
  private final StatsSampler sampler;

  public ContainerStatsRpc(ContainerStore containers, StatsSampler sampler) {
    this.containers = containers;
    this.sampler = sampler;
  }

  @Override
  public ContainerStatsResponse call(ContainerStatsRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    ContainerRecord record = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    return ContainerStatsResponse.newBuilder().setStats(sampler.container(record).toCri()).build();
  }
}
