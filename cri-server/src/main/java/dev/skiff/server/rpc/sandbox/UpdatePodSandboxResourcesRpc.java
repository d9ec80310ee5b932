package dev.skiff.server.rpc.sandbox;

import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.skiff.cri.v1.UpdatePodSandboxResourcesResponse;
import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UpdatePodSandboxResources (in-place pod resize): kubelet has already resized its own pod
 * cgroup, which is skiff's CGROUP_PARENT; skiff's pod cgroup below it still carries the limits
 * of RunPodSandbox and would cap a grown pod, so the new resources plus overhead are written
 * there too, then kept in the recorded config (verbose PodSandboxStatus shows them). Fields
 * the request leaves unset keep their recorded values.
 */
public final class UpdatePodSandboxResourcesRpc
    implements Rpc<UpdatePodSandboxResourcesRequest, UpdatePodSandboxResourcesResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(UpdatePodSandboxResourcesRpc.class);

  private final PodStore pods;
  private final CgroupDriver cgroups;

  public UpdatePodSandboxResourcesRpc(PodStore pods, CgroupDriver cgroups) {
    this.pods = pods;
    this.cgroups = cgroups;
  }

  @Override
  public UpdatePodSandboxResourcesResponse call(UpdatePodSandboxResourcesRequest request) throws Exception {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    CriError.require(request.hasResources() || request.hasOverhead(), "resources or overhead");
    PodRecord found = pods.find(request.getPodSandboxId())
        .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
    synchronized (pods.lockFor(found.id())) {
      PodRecord record = pods.get(found.id())
          .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
      if (record.state() != PodState.READY) {
        throw CriError.precondition("pod sandbox " + record.id() + " is not ready; its resources cannot be updated");
      }
      PodSandboxConfig.Builder config = PodSandboxConfig.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(record.configJson(), config);
      if (request.hasResources()) {
        config.getLinuxBuilder().setResources(request.getResources());
      }
      if (request.hasOverhead()) {
        config.getLinuxBuilder().setOverhead(request.getOverhead());
      }
      CgroupLimits limits = PodSandboxConfigs.limits(config.getLinux().getResources())
          .plusOverhead(PodSandboxConfigs.limits(config.getLinux().getOverhead()));
      cgroups.create(record.sandbox().cgroup(), limits);
      String json = JsonFormat.printer().print(config);
      pods.update(record.id(), old -> old.withConfigJson(json));
      LOG.info("Updated resources of pod sandbox {} ({}/{})", record.id().substring(0, 12),
          record.metadata().namespace(), record.metadata().name());
    }
    return UpdatePodSandboxResourcesResponse.getDefaultInstance();
  }
}
