package dev.skiff.runtime.stats;

import dev.skiff.runtime.cgroup.Hierarchy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a cgroup's CPU, memory, swap and process figures, each from the hierarchy that has
 * it: the v1 controller (cpuacct, memory, pids) on hybrid and legacy hosts, else the cgroup2
 * tree. Only the files a figure needs are opened: three or four per cgroup in v2, four to six
 * in v1. A cgroup is named as the drivers name it (a path below skiff's root).
 *
 * <pre>
 *   figure      cgroup v2                                 cgroup v1
 *   cpu         cpu.stat usage_usec                        cpuacct.usage (ns)
 *   memory      memory.current, memory.stat, memory.max,   memory.usage_in_bytes, memory.stat (total_*),
 *               memory.events oom_kill                     memory.limit_in_bytes, memory.oom_control oom_kill
 *   swap        memory.swap.current, memory.swap.max       memory.memsw.* minus memory (swap accounting on)
 *   processes   pids.current                               pids.current
 * </pre>
 * A hybrid host's cgroup2 tree has cpu.stat without any controller; it is the CPU source
 * when no cpuacct hierarchy is mounted.
 */
public final class CgroupStatsReader {
  private static final Set<String> V2_MEMORY_KEYS = Set.of("anon", "inactive_file", "pgfault", "pgmajfault");
  private static final Set<String> V1_MEMORY_KEYS =
      Set.of("total_rss", "total_inactive_file", "total_pgfault", "total_pgmajfault");

  private final Hierarchy cpu;
  private final Hierarchy memory;
  private final Hierarchy pids;

  CgroupStatsReader(Hierarchy cpu, Hierarchy memory, Hierarchy pids) {
    this.cpu = cpu;
    this.memory = memory;
    this.pids = pids;
  }

  /** Picks each figure's hierarchy from what the host mounts (the cgroup drivers' list). */
  public static CgroupStatsReader of(List<Hierarchy> hierarchies) {
    Hierarchy v2 = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElse(null);
    return new CgroupStatsReader(
        v1With(hierarchies, "cpuacct", v2),
        v1With(hierarchies, "memory", v2),
        v1With(hierarchies, "pids", v2));
  }

  private static Hierarchy v1With(List<Hierarchy> hierarchies, String controller, Hierarchy fallback) {
    return hierarchies.stream().filter(h -> !h.v2() && h.has(controller)).findFirst().orElse(fallback);
  }

  /** Reads every figure of the cgroup; a figure whose files are missing is empty. */
  public CgroupSample read(String cgroup, long timestampNanos) throws IOException {
    return new CgroupSample(timestampNanos,
        readCpu(cgroup, timestampNanos),
        readMemory(cgroup),
        readSwap(cgroup),
        readProcesses(cgroup));
  }

  public Optional<CpuSample> readCpu(String cgroup, long timestampNanos) throws IOException {
    if (cpu == null) {
      return Optional.empty();
    }
    Path dir = cpu.directory(cgroup);
    if (cpu.v2()) {
      Map<String, Long> stat = KeyedValues.pairs(dir.resolve("cpu.stat"), Set.of("usage_usec"));
      if (stat == null || !stat.containsKey("usage_usec")) {
        return Optional.empty();
      }
      return Optional.of(new CpuSample(timestampNanos, stat.get("usage_usec") * 1000));
    }
    Long usage = KeyedValues.number(dir.resolve("cpuacct.usage"));
    return usage == null ? Optional.empty() : Optional.of(new CpuSample(timestampNanos, usage));
  }

  public Optional<MemorySample> readMemory(String cgroup) throws IOException {
    if (memory == null) {
      return Optional.empty();
    }
    Path dir = memory.directory(cgroup);
    return memory.v2() ? readMemoryV2(dir) : readMemoryV1(dir);
  }

  private static Optional<MemorySample> readMemoryV2(Path dir) throws IOException {
    Long usage = KeyedValues.number(dir.resolve("memory.current"));
    if (usage == null) {
      return Optional.empty();
    }
    Map<String, Long> stat = KeyedValues.pairs(dir.resolve("memory.stat"), V2_MEMORY_KEYS);
    if (stat == null) {
      return Optional.empty();
    }
    Long limit = KeyedValues.limit(dir.resolve("memory.max"));
    Map<String, Long> events = KeyedValues.pairs(dir.resolve("memory.events"), Set.of("oom_kill"));
    return Optional.of(new MemorySample(usage,
        MemorySample.workingSet(usage, stat.getOrDefault("inactive_file", 0L)),
        stat.getOrDefault("anon", 0L),
        stat.getOrDefault("pgfault", 0L),
        stat.getOrDefault("pgmajfault", 0L),
        limit == null ? 0 : limit,
        events == null ? 0 : events.getOrDefault("oom_kill", 0L)));
  }

  private static Optional<MemorySample> readMemoryV1(Path dir) throws IOException {
    Long usage = KeyedValues.number(dir.resolve("memory.usage_in_bytes"));
    if (usage == null) {
      return Optional.empty();
    }
    Map<String, Long> stat = KeyedValues.pairs(dir.resolve("memory.stat"), V1_MEMORY_KEYS);
    if (stat == null) {
      return Optional.empty();
    }
    Long limit = KeyedValues.limit(dir.resolve("memory.limit_in_bytes"));
    // oom_kill appears in memory.oom_control from Linux 4.13.
    Map<String, Long> oom = KeyedValues.pairs(dir.resolve("memory.oom_control"), Set.of("oom_kill"));
    return Optional.of(new MemorySample(usage,
        MemorySample.workingSet(usage, stat.getOrDefault("total_inactive_file", 0L)),
        stat.getOrDefault("total_rss", 0L),
        stat.getOrDefault("total_pgfault", 0L),
        stat.getOrDefault("total_pgmajfault", 0L),
        limit == null ? 0 : limit,
        oom == null ? 0 : oom.getOrDefault("oom_kill", 0L)));
  }

  public Optional<SwapSample> readSwap(String cgroup) throws IOException {
    if (memory == null) {
      return Optional.empty();
    }
    Path dir = memory.directory(cgroup);
    if (memory.v2()) {
      Long usage = KeyedValues.number(dir.resolve("memory.swap.current"));
      if (usage == null) {
        return Optional.empty();
      }
      Long limit = KeyedValues.limit(dir.resolve("memory.swap.max"));
      return Optional.of(new SwapSample(usage, limit == null ? 0 : limit));
    }
    // v1 counts memory+swap together, and only with swap accounting on (memsw files exist).
    Long both = KeyedValues.number(dir.resolve("memory.memsw.usage_in_bytes"));
    Long memoryOnly = KeyedValues.number(dir.resolve("memory.usage_in_bytes"));
    if (both == null || memoryOnly == null) {
      return Optional.empty();
    }
    Long bothLimit = KeyedValues.limit(dir.resolve("memory.memsw.limit_in_bytes"));
    Long memoryLimit = KeyedValues.limit(dir.resolve("memory.limit_in_bytes"));
    long swapLimit = bothLimit == null || bothLimit == 0 || memoryLimit == null || memoryLimit == 0
        ? 0 : Math.max(0, bothLimit - memoryLimit);
    return Optional.of(new SwapSample(Math.max(0, both - memoryOnly), swapLimit));
  }

  public OptionalLong readProcesses(String cgroup) throws IOException {
    if (pids == null) {
      return OptionalLong.empty();
    }
    Long current = KeyedValues.number(pids.directory(cgroup).resolve("pids.current"));
    return current == null ? OptionalLong.empty() : OptionalLong.of(current);
  }
}
