package dev.skiff.runtime.cgroup;

import java.util.Map;

/**
 * Resource limits for one cgroup, in the CRI's units. Zero or empty means "not set".
 * {@code memorySwapLimitBytes} is memory plus swap, as the CRI and cgroup v1 count it.
 */
public record CgroupLimits(
    long cpuPeriod,
    long cpuQuota,
    long cpuShares,
    long memoryLimitBytes,
    long memorySwapLimitBytes,
    String cpusetCpus,
    String cpusetMems,
    Map<String, Long> hugepageLimits,
    Map<String, String> unified) {

  public static final CgroupLimits NONE = new CgroupLimits(0, 0, 0, 0, 0, "", "", Map.of(), Map.of());

  public CgroupLimits {
    cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
    cpusetMems = cpusetMems == null ? "" : cpusetMems;
    hugepageLimits = hugepageLimits == null ? Map.of() : Map.copyOf(hugepageLimits);
    unified = unified == null ? Map.of() : Map.copyOf(unified);
  }

  /**
   * The pod's limits: its resources plus the runtime-class overhead, where the resources set
   * a limit at all (an unlimited pod stays unlimited whatever its overhead).
   */
  public CgroupLimits plusOverhead(CgroupLimits overhead) {
    long quota = cpuQuota > 0 && overhead.cpuQuota > 0 && overhead.cpuPeriod == cpuPeriod
        ? cpuQuota + overhead.cpuQuota : cpuQuota;
    return new CgroupLimits(cpuPeriod, quota,
        cpuShares > 0 ? cpuShares + overhead.cpuShares : cpuShares,
        memoryLimitBytes > 0 ? memoryLimitBytes + overhead.memoryLimitBytes : memoryLimitBytes,
        memorySwapLimitBytes > 0 ? memorySwapLimitBytes + overhead.memoryLimitBytes : memorySwapLimitBytes,
        cpusetCpus, cpusetMems, hugepageLimits, unified);
  }
}
