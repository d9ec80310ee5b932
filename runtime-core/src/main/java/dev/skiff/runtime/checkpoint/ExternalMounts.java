package dev.skiff.runtime.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The mounts of a container that CRIU must be told are external: their content lives
 * outside the container (the host files and directories bound in: /etc/hosts, resolv.conf,
 * /dev/shm of the pod, CRI volumes, /dev/null over a masked file, device nodes). CRIU
 * records them by name (the key) and a restore binds what it is given for that name, as
 * runc does with {@code --external mnt[DEST]:DEST}. Filesystems that belong to the
 * container (its proc, sysfs, tmpfs, devpts, mqueue, cgroup mounts and binds of them) CRIU
 * dumps itself; the root is the overlay that {@code --root} names.
 */
final class ExternalMounts {
  private static final Set<String> DUMPED_BY_CRIU =
      Set.of("proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2");

  private ExternalMounts() {}

  /**
   * @param mounts the container's mountinfo, read through its init's /proc entry
   * @param bindDestinations the bind mounts of its config.json, always external
   */
  static List<String> of(List<MountInfo> mounts, Set<String> bindDestinations) {
    Set<String> external = new LinkedHashSet<>();
    for (MountInfo mount : mounts) {
      if (mount.mountPoint().equals("/")) {
        continue;
      }
      if (bindDestinations.contains(mount.mountPoint()) || !DUMPED_BY_CRIU.contains(mount.fsType())) {
        external.add(mount.mountPoint());
      }
    }
    return new ArrayList<>(external);
  }
}
