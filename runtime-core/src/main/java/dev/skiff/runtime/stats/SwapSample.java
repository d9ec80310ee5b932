package dev.skiff.runtime.stats;

import java.util.OptionalLong;

/** A cgroup's swap use in bytes; limit 0 when swap is not limited. */
public record SwapSample(long usage, long limit) {
  public OptionalLong available() {
    return limit <= 0 ? OptionalLong.empty() : OptionalLong.of(Math.max(0, limit - usage));
  }
}
