package dev.skiff.server.rpc.container;

/** One container state change, for GetContainerEvents to stream later. */
public record ContainerEvent(Type type, String containerId, String podId, long atNanos) {
  /** The CRI's ContainerEventType values. */
  public enum Type { CREATED, STARTED, STOPPED, DELETED }
}
