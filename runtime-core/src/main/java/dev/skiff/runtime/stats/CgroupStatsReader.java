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
    return readMemory(dir, memory.v2() ? V2_MEMORY : V1_MEMORY);
  }

  /**
   * Where each memory figure lives in one cgroup version: v1 names its hierarchical memory.stat
   * keys total_*, and reports OOM kills in memory.oom_control (from Linux 4.13).
   */
  private record MemoryFiles(String usage, String limit, String oomFile, String inactiveFile, String rss,
      String pgfault, String pgmajfault) {
    Set<String> statKeys() {
      return Set.of(inactiveFile, rss, pgfault, pgmajfault);
    }
  }

  private static final MemoryFiles V2_MEMORY = new MemoryFiles("memory.current", "memory.max", "memory.events",
      "inactive_file", "anon", "pgfault", "pgmajfault");
  private static final MemoryFiles V1_MEMORY = new MemoryFiles("memory.usage_in_bytes", "memory.limit_in_bytes",
      "memory.oom_control", "total_inactive_file", "total_rss", "total_pgfault", "total_pgmajfault");

  private static Optional<MemorySample> readMemory(Path dir, MemoryFiles files) throws IOException {
    Long usage = KeyedValues.number(dir.resolve(files.usage()));
    if (usage == null) {
      return Optional.empty();
    }
    Map<String, Long> stat = KeyedValues.pairs(dir.resolve("memory.stat"), files.statKeys());
    if (stat == null) {
      return Optional.empty();
    }
    Long limit = KeyedValues.limit(dir.resolve(files.limit()));
    Map<String, Long> oom = KeyedValues.pairs(dir.resolve(files.oomFile()), Set.of("oom_kill"));
    return Optional.of(new MemorySample(usage,
        MemorySample.workingSet(usage, stat.getOrDefault(files.inactiveFile(), 0L)),
        stat.getOrDefault(files.rss(), 0L),
        stat.getOrDefault(files.pgfault(), 0L),
        stat.getOrDefault(files.pgmajfault(), 0L),
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
