package dev.skiff.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Path;

/** Detects the host's cgroup mode once, at start, and picks the driver for it. */
public final class CgroupDrivers {
  private CgroupDrivers() {}

  public static CgroupDriver detect(String root) throws IOException {
    return forMounts(Path.of("/proc/self/mountinfo"), Path.of("/proc/self/cgroup"), root);
  }

  public static CgroupDriver forMounts(Path mountinfo, Path selfCgroup, String root) throws IOException {
    CgroupHierarchies.Detected detected = CgroupHierarchies.detect(mountinfo, selfCgroup, root);
    if (detected.mode() == CgroupMode.UNIFIED) {
      return new CgroupV2Driver(detected.hierarchies().get(0));
    }
    return new CgroupV1Driver(detected.mode(), detected.hierarchies());
  }
}
