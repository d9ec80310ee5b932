package dev.skiff.server.rpc.sandbox;

/**
 * The seam between pods and their containers: StopPodSandbox stops every container of the
 * pod and RemovePodSandbox removes them, through this interface. The containers part of
 * skiff implements it; until it exists, {@link #NONE} stands in, since no pod can have a
 * container yet.
 */
public interface PodContainers {
  /** Stops every container of the pod, each with at most graceSeconds before SIGKILL. */
  void stopAll(String podId, long graceSeconds) throws Exception;

  /** Force-stops and removes every container of the pod. */
  void removeAll(String podId) throws Exception;

  /** No containers exist before the containers part is built: nothing to stop or remove. */
  PodContainers NONE = new PodContainers() {
    @Override
    public void stopAll(String podId, long graceSeconds) {}

    @Override
    public void removeAll(String podId) {}
  };
}
