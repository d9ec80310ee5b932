package dev.skiff.server;

import dev.skiff.server.rpc.sandbox.PodContainers;

/**
 * Pods are built before containers (containers need the pods' store and cgroup driver), yet
 * the pods' Stop/Remove call into containers: this stands in until the containers exist.
 */
final class DeferredPodContainers implements PodContainers {
  private volatile PodContainers target = PodContainers.NONE;

  void bind(PodContainers containers) {
    this.target = containers;
  }

  @Override
  public void stopAll(String podId, long graceSeconds) throws Exception {
    target.stopAll(podId, graceSeconds);
  }

  @Override
  public void removeAll(String podId) throws Exception {
    target.removeAll(podId);
  }
}
