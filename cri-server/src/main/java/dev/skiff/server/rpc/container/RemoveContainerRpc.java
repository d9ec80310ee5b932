package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.RemoveContainerRequest;
import dev.skiff.cri.v1.RemoveContainerResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemoveContainer: kill it if it runs ("If the container is running, the container must be
 * forcibly removed"), unmount the rootfs, remove the cgroup, bundle and writable layer, then
 * the record. The log file stays: kubelet owns it. Removing what is gone succeeds.
 */
public final class RemoveContainerRpc implements Rpc<RemoveContainerRequest, RemoveContainerResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(RemoveContainerRpc.class);

  private final ContainerStore containers;
  private final ContainerTeardown teardown;

  public RemoveContainerRpc(ContainerStore containers, ContainerTeardown teardown) {
    this.containers = containers;
    this.teardown = teardown;
  }

  @Override
  public RemoveContainerResponse call(RemoveContainerRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    Optional<ContainerRecord> found = containers.find(request.getContainerId());
    if (found.isEmpty()) {
      return RemoveContainerResponse.getDefaultInstance();
    }
    String id = found.get().id();
    synchronized (containers.lockFor(id)) {
      Optional<ContainerRecord> record = containers.get(id);
      if (record.isEmpty()) {
        return RemoveContainerResponse.getDefaultInstance();
      }
      teardown.remove(record.get());
      LOG.info("Removed container {} ({})", record.get().shortId(), record.get().metadata().name());
    }
    containers.forgetLock(id);
    return RemoveContainerResponse.getDefaultInstance();
  }
}
