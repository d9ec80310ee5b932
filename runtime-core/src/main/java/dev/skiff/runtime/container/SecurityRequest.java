package dev.skiff.runtime.container;

import java.util.List;

/**
 * The security part of a CRI LinuxContainerSecurityContext. Capability names are CRI style
 * ("NET_ADMIN", "CAP_NET_ADMIN" or "ALL"). Null masked/readonly path lists mean the default
 * ones ({@link DefaultPaths}); an empty list means none. Seccomp null means unconfined.
 */
public record SecurityRequest(
    List<String> addCapabilities,
    List<String> dropCapabilities,
    List<String> addAmbientCapabilities,
    boolean privileged,
    boolean readonlyRootfs,
    boolean noNewPrivs,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    SeccompRequest seccomp) {

  public SecurityRequest {
    addCapabilities = addCapabilities == null ? List.of() : List.copyOf(addCapabilities);
    dropCapabilities = dropCapabilities == null ? List.of() : List.copyOf(dropCapabilities);
    addAmbientCapabilities = addAmbientCapabilities == null ? List.of() : List.copyOf(addAmbientCapabilities);
    maskedPaths = maskedPaths == null ? null : List.copyOf(maskedPaths);
    readonlyPaths = readonlyPaths == null ? null : List.copyOf(readonlyPaths);
    seccomp = seccomp == null ? SeccompRequest.UNCONFINED : seccomp;
  }

  /** Unconfined, as the CRI means by an unset profile. */
  public SecurityRequest(List<String> addCapabilities, List<String> dropCapabilities,
      List<String> addAmbientCapabilities, boolean privileged, boolean readonlyRootfs, boolean noNewPrivs,
      List<String> maskedPaths, List<String> readonlyPaths) {
    this(addCapabilities, dropCapabilities, addAmbientCapabilities, privileged, readonlyRootfs, noNewPrivs,
        maskedPaths, readonlyPaths, SeccompRequest.UNCONFINED);
  }

  public static SecurityRequest defaults() {
    return new SecurityRequest(List.of(), List.of(), List.of(), false, false, false, null, null);
  }
}
