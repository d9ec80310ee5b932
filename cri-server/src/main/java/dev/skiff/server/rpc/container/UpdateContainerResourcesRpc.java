package dev.skiff.server.rpc.container;

import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.UpdateContainerResourcesRequest;
import dev.skiff.cri.v1.UpdateContainerResourcesResponse;
import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.rpc.sandbox.PodSandboxConfigs;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UpdateContainerResources: the new limits are written into the container's cgroup while it
 * runs, then recorded (ContainerStatus reports them). A container that has exited has no
 * processes to limit: the call fails FAILED_PRECONDITION and nothing changes.
 */
public final class UpdateContainerResourcesRpc
    implements Rpc<UpdateContainerResourcesRequest, UpdateContainerResourcesResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateContainerResourcesRpc.class);

  private final ContainerStore containers;
  private final CgroupDriver cgroups;

  public UpdateContainerResourcesRpc(ContainerStore containers, CgroupDriver cgroups) {
    this.containers = containers;
    this.cgroups = cgroups;
  }

  @Override
  public UpdateContainerResourcesResponse call(UpdateContainerResourcesRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    CriError.require(request.hasLinux(), "linux");
    CgroupLimits limits = PodSandboxConfigs.limits(request.getLinux());
    ContainerRecord found = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    synchronized (containers.lockFor(found.id())) {
      ContainerRecord record = containers.get(found.id())
          .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
      ContainerObservation observed = ContainerObservation.of(containers.process(record.id()));
      if (observed.state() != dev.skiff.cri.v1.ContainerState.CONTAINER_RUNNING
          && observed.state() != dev.skiff.cri.v1.ContainerState.CONTAINER_CREATED) {
        throw CriError.precondition("container " + record.id() + " is not running; its resources cannot be updated");
      }
      cgroups.create(record.cgroup(), limits);
      String json = JsonFormat.printer().print(request.getLinux());
      containers.update(record.id(), old -> old.withResources(json));
      LOG.info("Updated resources of container {} ({})", record.shortId(), record.metadata().name());
    }
    return UpdateContainerResourcesResponse.getDefaultInstance();
  }
}
