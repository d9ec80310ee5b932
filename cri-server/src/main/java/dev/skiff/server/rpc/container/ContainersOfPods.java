package dev.skiff.server.rpc.container;

import dev.skiff.server.rpc.sandbox.PodContainers;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.time.Duration;
import java.util.Optional;

/** The pods' {@link PodContainers} seam: StopPodSandbox stops and RemovePodSandbox removes a pod's containers. */
public final class ContainersOfPods implements PodContainers {
  private final ContainerStore containers;
  private final ContainerTeardown teardown;

  public ContainersOfPods(ContainerStore containers, ContainerTeardown teardown) {
    this.containers = containers;
    this.teardown = teardown;
  }

  @Override
  public void stopAll(String podId, long graceSeconds) throws Exception {
    for (ContainerRecord record : containers.ofPod(podId)) {
      synchronized (containers.lockFor(record.id())) {
        Optional<ContainerRecord> current = containers.get(record.id());
        if (current.isPresent()) {
          teardown.stop(current.get(), Duration.ofSeconds(graceSeconds));
        }
      }
    }
  }

  @Override
  public void removeAll(String podId) throws Exception {
    for (ContainerRecord record : containers.ofPod(podId)) {
      synchronized (containers.lockFor(record.id())) {
        Optional<ContainerRecord> current = containers.get(record.id());
        if (current.isPresent()) {
          teardown.remove(current.get());
        }
      }
      containers.forgetLock(record.id());
    }
  }
}
