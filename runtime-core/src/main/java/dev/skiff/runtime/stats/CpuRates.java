package dev.skiff.runtime.stats;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * usage_nano_cores: CPU time used per second of wall time, in billionths of a core, from
 * the previous sample kept per key (a container or pod id) and the new one. The first sample
 * of a key has no rate. A counter that went backwards (a cgroup recreated under the same
 * name) starts over.
 */
public final class CpuRates {
  private final ConcurrentMap<String, CpuSample> previous = new ConcurrentHashMap<>();

  /** Records sample as the key's latest and returns the rate since the one before it. */
  public OptionalLong update(String key, CpuSample sample) {
    CpuSample before = previous.put(key, sample);
    if (before == null) {
      return OptionalLong.empty();
    }
    long elapsed = sample.timestampNanos() - before.timestampNanos();
    long used = sample.usageCoreNanos() - before.usageCoreNanos();
    if (elapsed <= 0) {
      // Two reads in the same instant: keep the older sample as the base for the next one.
      previous.put(key, before);
      return OptionalLong.empty();
    }
    if (used < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) (used * 1e9 / elapsed));
  }

  public void forget(String key) {
    previous.remove(key);
  }

  int size() {
    return previous.size();
  }
}
