package dev.skiff.runtime.stats;

import java.util.OptionalLong;

/**
 * A cgroup's memory figures, in bytes. {@code workingSet} is kubelet's: usage minus inactive
 * file pages (the page cache the kernel can drop first), never below zero.
 *
 * @param limit the cgroup's memory limit; 0 when it has none
 * @param oomKills processes the kernel killed for lack of memory in this cgroup
 */
public record MemorySample(
    long usage, long workingSet, long rss, long pageFaults, long majorPageFaults, long limit, long oomKills) {

  /** Limit minus working set (what kubelet's eviction calls available), when a limit exists. */
  public OptionalLong available() {
    if (limit <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, limit - workingSet));
  }

  static long workingSet(long usage, long inactiveFile) {
    return Math.max(0, usage - inactiveFile);
  }
}
