package dev.skiff.runtime.cgroup;

import dev.skiff.runtime.linux.Bpf;
import dev.skiff.runtime.linux.KernelException;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts a device allowlist on a container's cgroup: v1 writes devices.deny/devices.allow in the
 * devices hierarchy, v2 (which has no devices files) attaches a {@link DeviceProgram}. The
 * rules go in before the container's first process joins, and leave with the cgroup.
 */
final class DeviceCgroup {
  private DeviceCgroup() {}

  /** v1: an all-devices rule sets the default (and clears the exceptions); others are exceptions. */
  static void applyV1(Path dir, List<DeviceRule> rules) throws CgroupException {
    for (DeviceRule rule : rules) {
      String file = rule.allow() ? "devices.allow" : "devices.deny";
      boolean everything = rule.allTypesAndNumbers() && rule.access().equals("rwm");
      CgroupFiles.write(dir, file, everything ? "a" : rule.v1Line());
    }
  }

  /** v2: one program per container cgroup; a list ending in allow-all restricts nothing. */
  static void applyV2(Path dir, List<DeviceRule> rules) throws CgroupException {
    if (rules.isEmpty() || endsAllowingAll(rules)) {
      return;
    }
    try {
      Bpf.attachDeviceProgram(dir.toString(), DeviceProgram.assemble(rules));
    } catch (KernelException e) {
      throw new CgroupException("cannot restrict devices of cgroup " + dir + ": " + e.getMessage(), e, false);
    }
  }

  private static boolean endsAllowingAll(List<DeviceRule> rules) {
    DeviceRule last = rules.get(rules.size() - 1);
    return last.allow() && last.allTypesAndNumbers() && last.access().equals("rwm");
  }
}
