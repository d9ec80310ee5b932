package dev.skiff.runtime.container;

/** A CRI Mount: a host path bound into the container. */
public record MountRequest(
    String containerPath, String hostPath, boolean readonly, boolean recursiveReadOnly, Propagation propagation) {

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

  public static MountRequest bind(String hostPath, String containerPath, boolean readonly) {
    return new MountRequest(containerPath, hostPath, readonly, false, Propagation.PRIVATE);
  }
}
