package dev.skiff.runtime.stats;

/** Cumulative counters of one network interface, as /proc/net/dev shows them. */
public record InterfaceCounters(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {}
