package dev.skiff.runtime.container;

import java.util.List;

/** The masked and read-only paths of an unprivileged container, as containerd sets them. */
public final class DefaultPaths {
  public static final List<String> MASKED = List.of(
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

  public static final List<String> READONLY = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private DefaultPaths() {}
}
