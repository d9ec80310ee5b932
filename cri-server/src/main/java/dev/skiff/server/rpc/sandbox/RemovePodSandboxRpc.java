package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RemovePodSandboxResponse;
import dev.skiff.runtime.pod.PodRuntime;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemovePodSandbox: remove the pod's containers, tear down what stop leaves (pinned
 * namespaces, /dev/shm, files, cgroup), then delete the record. The CRI says removing a pod
 * that is gone must succeed. The record goes last, so a crash half-way leaves a record that
 * a later remove finishes.
 */
public final class RemovePodSandboxRpc implements Rpc<RemovePodSandboxRequest, RemovePodSandboxResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(RemovePodSandboxRpc.class);

  private final PodStore pods;
  private final PodRuntime runtime;
  private final PodContainers containers;

  public RemovePodSandboxRpc(PodStore pods, PodRuntime runtime, PodContainers containers) {
    this.pods = pods;
    this.runtime = runtime;
    this.containers = containers;
  }

  @Override
  public RemovePodSandboxResponse call(RemovePodSandboxRequest request) throws Exception {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    Optional<PodRecord> found = pods.find(request.getPodSandboxId());
    if (found.isEmpty()) {
      return RemovePodSandboxResponse.getDefaultInstance();
    }
    String id = found.get().id();
    synchronized (pods.lockFor(id)) {
      Optional<PodRecord> current = pods.get(id);
      if (current.isEmpty()) {
        return RemovePodSandboxResponse.getDefaultInstance();
      }
      containers.removeAll(id);
      runtime.remove(current.get().sandbox());
      pods.remove(current.get());
      LOG.info("Removed pod sandbox {} ({}/{})", id.substring(0, 12), current.get().metadata().namespace(),
          current.get().metadata().name());
    }
    pods.forgetLock(id);
    return RemovePodSandboxResponse.getDefaultInstance();
  }
}
