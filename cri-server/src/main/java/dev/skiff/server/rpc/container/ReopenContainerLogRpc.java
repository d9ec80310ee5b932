package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.ReopenContainerLogRequest;
import dev.skiff.cri.v1.ReopenContainerLogResponse;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;

/**
 * ReopenContainerLog: kubelet rotated the log file (renamed it); the shim opens the path
 * again. Only a running container has a shim writing its log.
 */
public final class ReopenContainerLogRpc implements Rpc<ReopenContainerLogRequest, ReopenContainerLogResponse> {
  private final ContainerStore containers;

  public ReopenContainerLogRpc(ContainerStore containers) {
    this.containers = containers;
  }

  @Override
  public ReopenContainerLogResponse call(ReopenContainerLogRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    ContainerRecord record = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    ContainerProcess process = containers.process(record.id())
        .filter(p -> phaseOf(p) == ContainerProcess.Phase.RUNNING)
        .orElseThrow(() -> CriError.precondition("container " + record.id() + " is not running"));
    if (record.logPath().isEmpty()) {
      throw CriError.precondition("container " + record.id() + " has no log path");
    }
    process.reopenLog();
    return ReopenContainerLogResponse.getDefaultInstance();
  }

  private static ContainerProcess.Phase phaseOf(ContainerProcess process) {
    try {
      return process.phase();
    } catch (java.io.IOException e) {
      return ContainerProcess.Phase.UNKNOWN;
    }
  }
}
