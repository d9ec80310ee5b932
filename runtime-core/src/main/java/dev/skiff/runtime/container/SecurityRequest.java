package dev.skiff.runtime.container;

import java.util.List;

/**
 * The security part of a CRI LinuxContainerSecurityContext. Capability names are CRI style
 * ("NET_ADMIN", "CAP_NET_ADMIN" or "ALL"). Null masked/readonly path lists mean the default
 * ones ({@link DefaultPaths}); an empty list means none.
 */
public record SecurityRequest(
    List<String> addCapabilities,
    List<String> dropCapabilities,
    List<String> addAmbientCapabilities,
    boolean privileged,
    boolean readonlyRootfs,
    boolean noNewPrivs,
    List<String> maskedPaths,
    List<String> readonlyPaths) {

  public SecurityRequest {
    addCapabilities = addCapabilities == null ? List.of() : List.copyOf(addCapabilities);
    dropCapabilities = dropCapabilities == null ? List.of() : List.copyOf(dropCapabilities);
    addAmbientCapabilities = addAmbientCapabilities == null ? List.of() : List.copyOf(addAmbientCapabilities);
    maskedPaths = maskedPaths == null ? null : List.copyOf(maskedPaths);
    readonlyPaths = readonlyPaths == null ? null : List.copyOf(readonlyPaths);
  }

  public static SecurityRequest defaults() {
    return new SecurityRequest(List.of(), List.of(), List.of(), false, false, false, null, null);
  }
}
