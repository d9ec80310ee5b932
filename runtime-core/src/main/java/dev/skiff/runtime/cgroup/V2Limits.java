package dev.skiff.runtime.cgroup;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Writes {@link CgroupLimits} as cgroup v2 files, for the controllers a directory has. */
final class V2Limits {
  private V2Limits() {}

  /** runc's conversion of CPU shares (2..262144) to cgroup v2 weight (1..10000). */
  static long weightOf(long shares) {
    return 1 + ((Math.max(2, Math.min(shares, 262144)) - 2) * 9999) / 262142;
  }

  /** The controllers enabled for dir (its cgroup.controllers; none when the file is missing). */
  static Set<String> controllersOf(Path dir) throws CgroupException {
    if (!java.nio.file.Files.exists(dir.resolve("cgroup.controllers"))) {
      return Set.of();
    }
    String text = CgroupFiles.read(dir, "cgroup.controllers");
    return text.isEmpty() ? Set.of() : Set.of(text.split("\\s+"));
  }

  static void checkUnifiedKeys(Map<String, String> unified) throws CgroupException {
    for (String key : unified.keySet()) {
      if (!key.matches("[a-z_]+\\.[a-z0-9_.]+") || key.contains("..") || key.startsWith("cgroup.")) {
        throw CgroupException.invalid("unified cgroup key '" + key + "' is not a controller file name");
      }
    }
  }

  static void apply(Path dir, Set<String> controllers, CgroupLimits limits) throws CgroupException {
    if (controllers.contains("cpu")) {
      if (limits.cpuShares() > 0) {
        CgroupFiles.write(dir, "cpu.weight", Long.toString(weightOf(limits.cpuShares())));
      }
      if (limits.cpuQuota() > 0 || limits.cpuPeriod() > 0) {
        String quota = limits.cpuQuota() > 0 ? Long.toString(limits.cpuQuota()) : "max";
        long period = limits.cpuPeriod() > 0 ? limits.cpuPeriod() : 100_000;
        CgroupFiles.write(dir, "cpu.max", quota + " " + period);
      }
    }
    if (controllers.contains("memory")) {
      if (limits.memoryLimitBytes() > 0) {
        CgroupFiles.write(dir, "memory.max", Long.toString(limits.memoryLimitBytes()));
      }
      // The CRI counts memory plus swap; v2 counts swap alone. -1 means unlimited swap.
      if (limits.memorySwapLimitBytes() == -1) {
        CgroupFiles.write(dir, "memory.swap.max", "max");
      } else if (limits.memorySwapLimitBytes() > 0 && limits.memoryLimitBytes() > 0) {
        if (limits.memorySwapLimitBytes() < limits.memoryLimitBytes()) {
          throw CgroupException.invalid("memory_swap_limit_in_bytes " + limits.memorySwapLimitBytes()
              + " is below memory_limit_in_bytes " + limits.memoryLimitBytes());
        }
        CgroupFiles.write(dir, "memory.swap.max",
            Long.toString(limits.memorySwapLimitBytes() - limits.memoryLimitBytes()));
      }
    }
    if (controllers.contains("cpuset")) {
      if (!limits.cpusetCpus().isEmpty()) {
        CgroupFiles.write(dir, "cpuset.cpus", limits.cpusetCpus());
      }
      if (!limits.cpusetMems().isEmpty()) {
        CgroupFiles.write(dir, "cpuset.mems", limits.cpusetMems());
      }
    }
    if (controllers.contains("hugetlb")) {
      for (Map.Entry<String, Long> limit : limits.hugepageLimits().entrySet()) {
        CgroupFiles.write(dir, "hugetlb." + limit.getKey() + ".max", Long.toString(limit.getValue()));
      }
    }
    for (Map.Entry<String, String> entry : limits.unified().entrySet()) {
      CgroupFiles.write(dir, entry.getKey(), entry.getValue());
    }
  }
}
