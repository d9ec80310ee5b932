package dev.skiff.runtime.container;

import dev.skiff.runtime.linux.Errno;
import dev.skiff.runtime.linux.FileDescriptors;
import dev.skiff.runtime.linux.IdmappedTrees;
import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.PodUserNamespace;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which bind mounts of a container are idmapped, as containerd 2.x does for a pod with a user
 * namespace of its own: the pod's /etc/hosts, /etc/hostname, /etc/resolv.conf and every CRI
 * mount are shown through the pod's idmapping, so host root's files are the container root's
 * and what the container's root writes there is host root's. /dev/shm is not idmapped (as in
 * containerd): it is the pod's own empty tmpfs, mode 1777.
 */
final class BindIdmaps {
  private BindIdmaps() {}

  /** The idmapping of a file the pod provides (hosts, hostname, resolv.conf), or null. */
  static MountIdmap podFile(PodUserNamespace userns) {
    return userns == null ? null : new MountIdmap(userns.path(), userns.mappings());
  }

  /**
   * The idmapping of a CRI mount: the pod's when it has a user namespace. Mappings the mount
   * carries itself (kubelet sends the pod's) must be the pod's: the only user namespace a
   * container has to map through is its pod's.
   */
  static MountIdmap volume(MountRequest m, PodUserNamespace userns) throws ContainerException {
    UserNamespaceMappings own = m.idMappings();
    if (own == null) {
      return podFile(userns);
    }
    if (userns == null) {
      throw ContainerException.invalid("mount " + m.containerPath() + ": uidMappings/gidMappings need a pod with "
          + "a user namespace of its own (userns_options mode POD)");
    }
    if (!own.equals(userns.mappings())) {
      throw ContainerException.invalid("mount " + m.containerPath() + ": uidMappings " + describe(own.uids())
          + " / gidMappings " + describe(own.gids()) + " are not the pod's user namespace mappings "
          + describe(userns.mappings().uids()) + " / " + describe(userns.mappings().gids())
          + "; a mount is idmapped only through its pod's user namespace");
    }
    return podFile(userns);
  }

  /**
   * Does for every idmapped bind what the shim will (a detached idmapped clone of its source),
   * then drops the clone: a filesystem without idmapped mounts fails CreateContainer here,
   * naming the mount and the filesystem, instead of the shim failing with a bare errno.
   */
  static void checkSupported(List<OciMount> mounts) throws ContainerException {
    Map<String, Integer> usernsFds = new HashMap<>();
    try {
      for (OciMount m : mounts) {
        if (m.idmap() == null) {
          continue;
        }
        String usernsPath = m.idmap().usernsPath();
        try {
          if (!usernsFds.containsKey(usernsPath)) {
            usernsFds.put(usernsPath, FileDescriptors.openReadOnly(usernsPath));
          }
          boolean recursive = m.options().contains("rbind");
          FileDescriptors.closeQuietly(IdmappedTrees.open(m.source(), usernsFds.get(usernsPath), recursive));
        } catch (KernelException e) {
          throw unsupported(m, e);
        }
      }
    } finally {
      usernsFds.values().forEach(FileDescriptors::closeQuietly);
    }
  }

  private static ContainerException unsupported(OciMount m, KernelException e) {
    String why = e.errno() == Errno.EINVAL
        ? "its filesystem (" + filesystem(m.source()) + ") does not support idmapped mounts on this kernel"
        : e.getMessage() + " (filesystem " + filesystem(m.source()) + ")";
    return new ContainerException(ContainerException.Kind.PRECONDITION, "mount " + m.destination()
        + ": cannot idmap " + m.source() + " for the pod's user namespace: " + why, e);
  }

  private static String filesystem(String path) {
    try {
      return Files.getFileStore(Path.of(path)).type();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String describe(IdMapping mapping) {
    return mapping.containerId() + ":" + mapping.hostId() + ":" + mapping.length();
  }
}
