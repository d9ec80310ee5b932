package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.StopPodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxResponse;
import dev.skiff.runtime.pod.PodRuntime;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StopPodSandbox: stop every container of the pod, then tear its network down (host ports,
 * veth, address). The CRI says: "If there are any running containers in the sandbox, they
 * must be forcibly terminated", and stopping a pod that is gone must succeed. Repeating a
 * stop is harmless, and so is stopping a pod that was only half created.
 */
public final class StopPodSandboxRpc implements Rpc<StopPodSandboxRequest, StopPodSandboxResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(StopPodSandboxRpc.class);
  /** Kubelet has already stopped the containers with their own grace; this is the last word. */
  static final long GRACE_SECONDS = 2;

  private final PodStore pods;
  private final PodRuntime runtime;
  private final PodContainers containers;

  public StopPodSandboxRpc(PodStore pods, PodRuntime runtime, PodContainers containers) {
    this.pods = pods;
    this.runtime = runtime;
    this.containers = containers;
  }

  @Override
  public StopPodSandboxResponse call(StopPodSandboxRequest request) throws Exception {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    Optional<PodRecord> found = pods.find(request.getPodSandboxId());
    if (found.isEmpty()) {
      return StopPodSandboxResponse.getDefaultInstance();
    }
    String id = found.get().id();
    synchronized (pods.lockFor(id)) {
      Optional<PodRecord> current = pods.get(id);
      if (current.isEmpty()) {
        return StopPodSandboxResponse.getDefaultInstance();
      }
      containers.stopAll(id, GRACE_SECONDS);
      LOG.debug("Stopped the containers of pod sandbox {}; tearing its network down", id.substring(0, 12));
      var stopped = runtime.stop(current.get().sandbox());
      boolean wasReady = current.get().state() == PodState.READY;
      pods.update(id, old -> old.withState(PodState.NOTREADY, stopped));
      if (wasReady) {
        LOG.info("Stopped pod sandbox {} ({}/{})", id.substring(0, 12), current.get().metadata().namespace(),
            current.get().metadata().name());
      }
    }
    return StopPodSandboxResponse.getDefaultInstance();
  }
}
