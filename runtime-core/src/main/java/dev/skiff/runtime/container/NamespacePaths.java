package dev.skiff.runtime.container;

import dev.skiff.runtime.userns.PodUserNamespace;

/**
 * The pod's namespaces a container joins, as paths of pinned namespace files (or
 * /proc/PID/ns files). For net, ipc and uts: a path means join it, an empty string a new
 * namespace of the container's own, null the host's (the pod asked for NODE).
 * {@link PidMode} says where the process's PID namespace comes from. {@code user} is the pod's
 * own user namespace, joined last, or null for the host's.
 */
public record NamespacePaths(String net, String ipc, String uts, PidMode pidMode, String pidPath,
    PodUserNamespace user) {
  /** CRI NamespaceMode for pid: CONTAINER = a new one, POD/TARGET = join pidPath, NODE = host. */
  public enum PidMode { CONTAINER, JOIN, NODE }

  public NamespacePaths {
    pidMode = pidMode == null ? PidMode.CONTAINER : pidMode;
    if (pidMode == PidMode.JOIN && (pidPath == null || pidPath.isEmpty())) {
      throw new IllegalArgumentException("pid mode JOIN needs the path of the PID namespace to join");
    }
  }

  /** New net, ipc and uts namespaces of the container's own (tests; a pod always gives paths). */
  public static NamespacePaths privateToContainer() {
    return new NamespacePaths("", "", "", PidMode.CONTAINER, null, null);
  }
}
