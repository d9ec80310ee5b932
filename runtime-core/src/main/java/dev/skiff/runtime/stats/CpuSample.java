package dev.skiff.runtime.stats;

/** Cumulative CPU time of a cgroup at one moment (both in nanoseconds; the time since the epoch). */
public record CpuSample(long timestampNanos, long usageCoreNanos) {}
