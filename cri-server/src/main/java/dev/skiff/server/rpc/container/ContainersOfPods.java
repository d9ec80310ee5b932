package dev.skiff.server.rpc.container;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.container.PodPidInit;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.server.rpc.sandbox.PodContainers;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pods' {@link PodContainers} seam: StopPodSandbox stops and RemovePodSandbox removes a pod's containers. */
public final class ContainersOfPods implements PodContainers {
  private static final Logger LOG = LoggerFactory.getLogger(ContainersOfPods.class);
  private final ContainerStore containers;
  private final ContainerTeardown teardown;
  private final CgroupDriver cgroups;
  private final Function<String, Optional<PodSandbox>> pods;

  /** @param pods the pod's kernel side: its run directory records its PID namespace init, below its cgroup */
  public ContainersOfPods(ContainerStore containers, ContainerTeardown teardown, CgroupDriver cgroups,
      Function<String, Optional<PodSandbox>> pods) {
    this.containers = containers;
    this.teardown = teardown;
    this.cgroups = cgroups;
    this.pods = pods;
  }

  @Override
  public void stopAll(String podId, long graceSeconds) throws Exception {
    for (ContainerRecord record : containers.ofPod(podId)) {
      synchronized (containers.lockFor(record.id())) {
        Optional<ContainerRecord> current = containers.get(record.id());
        if (current.isPresent()) {
          teardown.stop(current.get(), Duration.ofSeconds(graceSeconds));
          LOG.debug("Stopped container {} of pod sandbox {}", record.shortId(), podId.substring(0, 12));
        }
      }
    }
    stopPidInit(podId);
  }

  /** After the containers: killing the init of a shared PID namespace kills all left in it. */
  private void stopPidInit(String podId) throws Exception {
    Optional<PodSandbox> pod = pods.apply(podId);
    if (pod.isPresent()) {
      PodPidInit.stop(Path.of(pod.get().directory()), cgroups, pod.get().cgroup());
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
    stopPidInit(podId);
  }
}
