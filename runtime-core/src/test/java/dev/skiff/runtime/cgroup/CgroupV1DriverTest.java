package dev.skiff.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupV1DriverTest {
  @TempDir
  Path tmp;

  private static final CgroupLimits LIMITS = new CgroupLimits(100_000, 50_000, 512, 256L << 20, 512L << 20, "1", "",
      Map.of("2MB", 4L << 20), Map.of());

  @Test
  void detectsHybridAndPutsARelativeRootBelowTheCallersOwnCgroups() throws Exception {
    CgroupFsTree tree = CgroupFsTree.hybrid(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    assertEquals(CgroupMode.HYBRID, driver.mode());
    assertTrue(driver.directories("pod-1").contains(tree.fs("memory/job/abc/skiff-test/pod-1")));
    assertTrue(driver.directories("pod-1").contains(tree.fs("cpu/skiff-test/pod-1")));
    assertTrue(driver.directories("pod-1").contains(tree.fs("unified/skiff-test/pod-1")));
    assertTrue(driver.directories("pod-1").contains(tree.fs("systemd/skiff-test/pod-1")));
    assertEquals(7, driver.directories("pod-1").size());
  }

  @Test
  void absoluteRootIsTheSamePathInEveryHierarchy() throws Exception {
    CgroupFsTree tree = CgroupFsTree.hybrid(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "/skiff");
    assertTrue(driver.directories("p").contains(tree.fs("memory/skiff/p")));
  }

  @Test
  void createWritesV1LimitsAndCopiesCpusetFromTheParent() throws Exception {
    CgroupFsTree tree = CgroupFsTree.hybrid(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    driver.createRoot();
    driver.create("kubepods/pod-1", LIMITS);
    assertEquals("512", Files.readString(tree.fs("cpu/skiff-test/kubepods/pod-1/cpu.shares")));
    assertEquals("50000", Files.readString(tree.fs("cpu/skiff-test/kubepods/pod-1/cpu.cfs_quota_us")));
    assertEquals("100000", Files.readString(tree.fs("cpu/skiff-test/kubepods/pod-1/cpu.cfs_period_us")));
    assertEquals(Long.toString(256L << 20),
        Files.readString(tree.fs("memory/job/abc/skiff-test/kubepods/pod-1/memory.limit_in_bytes")));
    assertEquals("0-1", Files.readString(tree.fs("cpuset/skiff-test/kubepods/cpuset.cpus")));
    assertEquals("0", Files.readString(tree.fs("cpuset/skiff-test/kubepods/pod-1/cpuset.mems")));
    assertEquals("1", Files.readString(tree.fs("cpuset/skiff-test/kubepods/pod-1/cpuset.cpus")));
    assertTrue(Files.isDirectory(tree.fs("pids/skiff-test/kubepods/pod-1")));
    assertTrue(Files.isDirectory(tree.fs("unified/skiff-test/kubepods/pod-1")));
    // memsw is absent without swap accounting: no swap file is invented.
    assertFalse(Files.exists(tree.fs("memory/job/abc/skiff-test/kubepods/pod-1/memory.memsw.limit_in_bytes")));
  }

  @Test
  void unifiedSettingsAreRefusedOnV1() throws Exception {
    CgroupFsTree tree = CgroupFsTree.hybrid(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    CgroupException error = assertThrows(CgroupException.class, () -> driver.create("p",
        new CgroupLimits(0, 0, 0, 0, 0, "", "", Map.of(), Map.of("memory.high", "1G"))));
    assertTrue(error.invalidRequest());
    assertTrue(error.getMessage().contains("memory.high"), error.getMessage());
  }

  @Test
  void removeDeletesThePodAndEmptyParentsButKeepsTheRootAndSiblings() throws Exception {
    CgroupFsTree tree = CgroupFsTree.hybrid(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    driver.createRoot();
    driver.create("kubepods/pod-1", LIMITS);
    driver.create("kubepods/pod-2", CgroupLimits.NONE);
    driver.remove("kubepods/pod-1");
    assertFalse(Files.exists(tree.fs("memory/job/abc/skiff-test/kubepods/pod-1")));
    assertTrue(Files.exists(tree.fs("memory/job/abc/skiff-test/kubepods/pod-2")));
    driver.remove("kubepods/pod-2");
    assertFalse(Files.exists(tree.fs("cpu/skiff-test/kubepods")));
    assertTrue(Files.isDirectory(tree.fs("cpu/skiff-test")));
    driver.remove("kubepods/pod-2");   // already gone: fine
  }
}
