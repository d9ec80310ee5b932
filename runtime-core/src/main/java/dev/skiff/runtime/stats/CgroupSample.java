package dev.skiff.runtime.stats;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one read of a cgroup found. A figure is empty when its controller is not mounted or
 * the cgroup is gone (a stopped container's cgroup is removed with it).
 */
public record CgroupSample(
    long timestampNanos,
    Optional<CpuSample> cpu,
    Optional<MemorySample> memory,
    Optional<SwapSample> swap,
    OptionalLong processes) {

  public static CgroupSample empty(long timestampNanos) {
    return new CgroupSample(timestampNanos, Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty());
  }
}
