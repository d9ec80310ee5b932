package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StartContainerResponse;
import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StartContainer: release the created process into exec. A failure before exec (missing
 * executable, bad user) comes back with the shim's message, and the container stays EXITED
 * with reason StartError and that message.
 */
public final class StartContainerRpc implements Rpc<StartContainerRequest, StartContainerResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(StartContainerRpc.class);

  private static final java.time.Duration EXIT_RECORD_WAIT = java.time.Duration.ofSeconds(2);

  private final ContainerStore containers;
  private final ContainerTeardown teardown;

  public StartContainerRpc(ContainerStore containers, ContainerTeardown teardown) {
    this.containers = containers;
    this.teardown = teardown;
  }

  @Override
  public StartContainerResponse call(StartContainerRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    ContainerRecord found = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    synchronized (containers.lockFor(found.id())) {
      ContainerRecord record = containers.get(found.id())
          .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
      ContainerProcess process = containers.process(record.id()).orElseThrow(() -> CriError.precondition(
          "container " + record.id() + " has no shim (its bundle is gone); remove it and create it again"));
      ContainerProcess.Phase phase = process.phase();
      if (phase != ContainerProcess.Phase.CREATED) {
        throw CriError.precondition("container " + record.id() + " is " + phase.name().toLowerCase()
            + ", not created; only a created container can be started");
      }
      try {
        process.start();
      } catch (ContainerException e) {
        // The shim answers before it records the exit; wait for the record so the container
        // reads EXITED (StartError) from now on, as the caller will look at it next.
        process.awaitExit(EXIT_RECORD_WAIT);
        teardown.announceExit(record);
        LOG.info("Container {} ({}) failed to start: {}", record.shortId(), record.metadata().name(), e.getMessage());
        throw new ContainerException(e.kind(), "failed to start container " + record.id() + ": "
            + e.getMessage(), e);
      }
      LOG.info("Started container {} ({}) with pid {}", record.shortId(), record.metadata().name(), process.pid());
      teardown.emit(ContainerEvent.Type.STARTED, record);
    }
    return StartContainerResponse.getDefaultInstance();
  }
}
