package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.StopContainerRequest;
import dev.skiff.cri.v1.StopContainerResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StopContainer: the stop signal (image StopSignal, else SIGTERM), up to timeout seconds,
 * then SIGKILL to the container's whole cgroup. The CRI says: "If the container has already
 * been stopped, the call must succeed"; a container that is gone is treated the same way.
 */
public final class StopContainerRpc implements Rpc<StopContainerRequest, StopContainerResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(StopContainerRpc.class);

  private final ContainerStore containers;
  private final ContainerTeardown teardown;

  public StopContainerRpc(ContainerStore containers, ContainerTeardown teardown) {
    this.containers = containers;
    this.teardown = teardown;
  }

  @Override
  public StopContainerResponse call(StopContainerRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    if (request.getTimeout() < 0) {
      throw CriError.invalid("timeout " + request.getTimeout() + " must not be negative");
    }
    Optional<ContainerRecord> found = containers.find(request.getContainerId());
    if (found.isEmpty()) {
      return StopContainerResponse.getDefaultInstance();
    }
    synchronized (containers.lockFor(found.get().id())) {
      Optional<ContainerRecord> record = containers.get(found.get().id());
      if (record.isPresent() && teardown.stop(record.get(), Duration.ofSeconds(request.getTimeout()))) {
        LOG.info("Stopped container {} ({})", record.get().shortId(), record.get().metadata().name());
      }
    }
    return StopContainerResponse.getDefaultInstance();
  }
}
