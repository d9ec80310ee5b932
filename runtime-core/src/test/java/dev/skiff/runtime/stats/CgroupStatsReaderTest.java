package dev.skiff.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.cgroup.Hierarchy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers against temp dirs laid out like cgroupfs v2 and a hybrid v1 host, with files as the kernel writes them. */
class CgroupStatsReaderTest {
  private static final String CGROUP = "pod-1/ctr-a";

  @TempDir Path tmp;

  @Test
  void readsCgroupV2Files() throws IOException {
    Path root = tmp.resolve("unified/skiff");
    Path dir = Files.createDirectories(root.resolve(CGROUP));
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"
        + "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
    Files.writeString(dir.resolve("memory.current"), "104857600\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 62914560\nfile 41943040\nkernel 0\nactive_file 10485760\n"
        + "inactive_file 31457280\npgfault 12345\npgmajfault 67\n");
    Files.writeString(dir.resolve("memory.max"), "268435456\n");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
    Files.writeString(dir.resolve("memory.swap.current"), "4096\n");
    Files.writeString(dir.resolve("memory.swap.max"), "max\n");
    Files.writeString(dir.resolve("pids.current"), "7\n");
    CgroupStatsReader reader = CgroupStatsReader.of(List.of(v2(root)));

    CgroupSample sample = reader.read(CGROUP, 42);

    assertEquals(new CpuSample(42, 2_500_000_000L), sample.cpu().orElseThrow());
    MemorySample memory = sample.memory().orElseThrow();
    assertEquals(104857600, memory.usage());
    assertEquals(104857600 - 31457280, memory.workingSet());
    assertEquals(62914560, memory.rss());
    assertEquals(12345, memory.pageFaults());
    assertEquals(67, memory.majorPageFaults());
    assertEquals(268435456 - (104857600 - 31457280), memory.available().orElseThrow());
    assertEquals(1, memory.oomKills());
    assertEquals(4096, sample.swap().orElseThrow().usage());
    assertTrue(sample.swap().orElseThrow().available().isEmpty(), "swap.max 'max' is no limit");
    assertEquals(7, sample.processes().orElseThrow());
  }

  @Test
  void unlimitedV2MemoryHasNoAvailableFigure() throws IOException {
    Path root = tmp.resolve("unified/skiff");
    Path dir = Files.createDirectories(root.resolve(CGROUP));
    Files.writeString(dir.resolve("memory.current"), "1000\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 800\ninactive_file 4000\n");
    Files.writeString(dir.resolve("memory.max"), "max\n");

    MemorySample memory = CgroupStatsReader.of(List.of(v2(root))).readMemory(CGROUP).orElseThrow();

    assertEquals(0, memory.workingSet(), "more inactive file pages than usage clamps at zero");
    assertTrue(memory.available().isEmpty());
  }

  @Test
  void readsV1ControllersOnAHybridHost() throws IOException {
    Path fs = tmp.resolve("fs");
    Path cpuacct = Files.createDirectories(fs.resolve("cpuacct/skiff").resolve(CGROUP));
    Path memory = Files.createDirectories(fs.resolve("memory/skiff").resolve(CGROUP));
    Path pids = Files.createDirectories(fs.resolve("pids/skiff").resolve(CGROUP));
    Path unified = Files.createDirectories(fs.resolve("unified/skiff").resolve(CGROUP));
    Files.writeString(cpuacct.resolve("cpuacct.usage"), "987654321\n");
    Files.writeString(unified.resolve("cpu.stat"), "usage_usec 1\n");
    Files.writeString(memory.resolve("memory.usage_in_bytes"), "50000000\n");
    Files.writeString(memory.resolve("memory.stat"), "cache 100\nrss 200\ninactive_file 300\npgfault 1\n"
        + "total_cache 20000000\ntotal_rss 30000000\ntotal_inactive_file 15000000\ntotal_pgfault 999\n"
        + "total_pgmajfault 9\n");
    Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    Files.writeString(memory.resolve("memory.memsw.usage_in_bytes"), "50004096\n");
    Files.writeString(memory.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(pids.resolve("pids.current"), "3\n");
    CgroupStatsReader reader = CgroupStatsReader.of(List.of(
        v1("cpu,cpuacct", fs.resolve("cpuacct/skiff"), "cpu", "cpuacct"),
        v1("memory", fs.resolve("memory/skiff"), "memory"),
        v1("pids", fs.resolve("pids/skiff"), "pids"),
        v2(fs.resolve("unified/skiff"))));

    CgroupSample sample = reader.read(CGROUP, 5);

    assertEquals(987654321, sample.cpu().orElseThrow().usageCoreNanos(), "cpuacct wins over the v2 tree");
    MemorySample figures = sample.memory().orElseThrow();
    assertEquals(50000000, figures.usage());
    assertEquals(35000000, figures.workingSet(), "the hierarchical total_inactive_file, not the local one");
    assertEquals(30000000, figures.rss());
    assertEquals(999, figures.pageFaults());
    assertEquals(9, figures.majorPageFaults());
    assertTrue(figures.available().isEmpty(), "v1's PAGE_COUNTER_MAX is no limit");
    assertEquals(2, figures.oomKills());
    assertEquals(4096, sample.swap().orElseThrow().usage());
    assertEquals(3, sample.processes().orElseThrow());
  }

  @Test
  void v1MemoryLimitGivesAvailableAndSwapLimit() throws IOException {
    Path root = tmp.resolve("memory/skiff");
    Path dir = Files.createDirectories(root.resolve(CGROUP));
    Files.writeString(dir.resolve("memory.usage_in_bytes"), "1000\n");
    Files.writeString(dir.resolve("memory.stat"), "total_rss 600\ntotal_inactive_file 100\n");
    Files.writeString(dir.resolve("memory.limit_in_bytes"), "4096\n");
    Files.writeString(dir.resolve("memory.memsw.usage_in_bytes"), "1500\n");
    Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), "8192\n");
    CgroupStatsReader reader = CgroupStatsReader.of(List.of(v1("memory", root, "memory")));

    assertEquals(4096 - 900, reader.readMemory(CGROUP).orElseThrow().available().orElseThrow());
    SwapSample swap = reader.readSwap(CGROUP).orElseThrow();
    assertEquals(500, swap.usage());
    assertEquals(4096 - 500, swap.available().orElseThrow());
  }

  @Test
  void hybridHostWithoutCpuacctFallsBackToTheCgroup2Tree() throws IOException {
    Path unified = Files.createDirectories(tmp.resolve("unified/skiff").resolve(CGROUP));
    Files.writeString(unified.resolve("cpu.stat"), "usage_usec 1500\n");
    CgroupStatsReader reader = CgroupStatsReader.of(List.of(
        v1("memory", tmp.resolve("memory/skiff"), "memory"), v2(tmp.resolve("unified/skiff"))));

    assertEquals(1_500_000, reader.readCpu(CGROUP, 1).orElseThrow().usageCoreNanos());
  }

  @Test
  void aRemovedCgroupReadsAsEmptyNotAsAnError() throws IOException {
    CgroupStatsReader reader = CgroupStatsReader.of(List.of(
        v1("cpu,cpuacct", tmp.resolve("cpuacct"), "cpu", "cpuacct"), v1("memory", tmp.resolve("memory"), "memory"),
        v1("pids", tmp.resolve("pids"), "pids")));

    CgroupSample sample = reader.read("pod-gone/ctr-gone", 9);

    assertEquals(CgroupSample.empty(9), sample);
    assertFalse(reader.readSwap("pod-gone/ctr-gone").isPresent());
  }

  private static Hierarchy v2(Path skiffRoot) {
    return new Hierarchy("unified", skiffRoot.getParent(), Set.of(), true, skiffRoot);
  }

  private static Hierarchy v1(String name, Path skiffRoot, String... controllers) {
    return new Hierarchy(name, skiffRoot.getParent(), Set.of(controllers), false, skiffRoot);
  }
}
