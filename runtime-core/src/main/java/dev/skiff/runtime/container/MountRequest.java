package dev.skiff.runtime.container;

import dev.skiff.runtime.userns.UserNamespaceMappings;

/**
 * A CRI Mount: a host path bound into the container. {@code idMappings} are the mount's own
 * uidMappings/gidMappings when the CRI sent them (kubelet does for pods with a user namespace),
 * else null.
 */
public record MountRequest(
    String containerPath, String hostPath, boolean readonly, boolean recursiveReadOnly, Propagation propagation,
    UserNamespaceMappings idMappings) {

  /** CRI MountPropagation. */
  public enum Propagation {
    PRIVATE("rprivate"),
    HOST_TO_CONTAINER("rslave"),
    BIDIRECTIONAL("rshared");

    private final String ociOption;

    Propagation(String ociOption) {
      this.ociOption = ociOption;
    }

    public String ociOption() {
      return ociOption;
    }
  }

  public MountRequest {
    propagation = propagation == null ? Propagation.PRIVATE : propagation;
  }

  public MountRequest(
      String containerPath, String hostPath, boolean readonly, boolean recursiveReadOnly, Propagation propagation) {
    this(containerPath, hostPath, readonly, recursiveReadOnly, propagation, null);
  }

  public static MountRequest bind(String hostPath, String containerPath, boolean readonly) {
    return new MountRequest(containerPath, hostPath, readonly, false, Propagation.PRIVATE);
  }
}
