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

class CgroupV2DriverTest {
  @TempDir
  Path tmp;

  /** cgroupfs fills cgroup.controllers of a new child from the parent's subtree_control; the fake does it by hand. */
  private static void inherit(Path parent, Path child) throws Exception {
    Files.writeString(child.resolve("cgroup.controllers"), Files.readString(parent.resolve("cgroup.subtree_control")));
    if (!Files.exists(child.resolve("cgroup.subtree_control"))) {
      Files.writeString(child.resolve("cgroup.subtree_control"), "");
    }
  }

  @Test
  void detectsUnified() throws Exception {
    CgroupFsTree tree = CgroupFsTree.unified(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    assertEquals(CgroupMode.UNIFIED, driver.mode());
    assertEquals(java.util.List.of(tree.fs("ci.slice/skiff-test/p")), driver.directories("p"));
  }

  @Test
  void createEnablesControllersAndWritesV2Files() throws Exception {
    CgroupFsTree tree = CgroupFsTree.unified(tmp);
    Files.writeString(tree.fs("ci.slice/cgroup.subtree_control"), "");
    Path root = tree.fs("ci.slice/skiff-test");
    Files.createDirectories(root);
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
    Files.writeString(root.resolve("cgroup.subtree_control"), "");
    Path pod = root.resolve("pod-1");
    Files.createDirectories(pod);
    Files.writeString(pod.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");

    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    driver.create("pod-1", new CgroupLimits(100_000, 50_000, 1024, 256L << 20, 384L << 20, "0", "0",
        Map.of("2MB", 2L << 20), Map.of("memory.high", "200M")));
    assertEquals("+cpuset +cpu +io +memory +hugetlb +pids", Files.readString(root.resolve("cgroup.subtree_control")));
    assertEquals("50000 100000", Files.readString(pod.resolve("cpu.max")));
    assertEquals("39", Files.readString(pod.resolve("cpu.weight")));
    assertEquals(Long.toString(256L << 20), Files.readString(pod.resolve("memory.max")));
    assertEquals(Long.toString(128L << 20), Files.readString(pod.resolve("memory.swap.max")));
    assertEquals(Long.toString(2L << 20), Files.readString(pod.resolve("hugetlb.2MB.max")));
    assertEquals("200M", Files.readString(pod.resolve("memory.high")));
  }

  @Test
  void weightConversionMatchesRunc() {
    assertEquals(1, V2Limits.weightOf(2));
    assertEquals(39, V2Limits.weightOf(1024));
    assertEquals(10000, V2Limits.weightOf(262144));
  }

  @Test
  void hostileUnifiedKeysAreRefusedBeforeAnyWrite() throws Exception {
    CgroupFsTree tree = CgroupFsTree.unified(tmp);
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    for (String key : new String[] {"../../../etc/passwd", "cgroup.procs", "memory.max/../x"}) {
      CgroupException error = assertThrows(CgroupException.class, () -> driver.create("p",
          new CgroupLimits(0, 0, 0, 0, 0, "", "", Map.of(), Map.of(key, "1"))));
      assertTrue(error.invalidRequest(), key);
    }
    assertFalse(Files.exists(tree.fs("ci.slice/skiff-test/p")));
  }

  @Test
  void swapBelowMemoryIsInvalid() throws Exception {
    CgroupFsTree tree = CgroupFsTree.unified(tmp);
    Path root = tree.fs("ci.slice/skiff-test");
    Files.createDirectories(root.resolve("p"));
    Files.writeString(root.resolve("cgroup.controllers"), "memory\n");
    Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
    Files.writeString(tree.fs("ci.slice/cgroup.subtree_control"), "memory\n");
    inherit(root, root.resolve("p"));
    CgroupDriver driver = CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    assertThrows(CgroupException.class, () -> driver.create("p",
        new CgroupLimits(0, 0, 0, 200, 100, "", "", Map.of(), Map.of())));
  }

  @Test
  void countersReadFlatKeyedFiles() throws Exception {
    CgroupFsTree tree = CgroupFsTree.unified(tmp);
    Path pod = tree.fs("ci.slice/skiff-test/p");
    Files.createDirectories(pod);
    Files.writeString(pod.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
    CgroupV2Driver driver = (CgroupV2Driver) CgroupDrivers.forMounts(tree.mountinfo, tree.selfCgroup, "skiff-test");
    Map<String, Long> events = driver.counters("p", "memory.events");
    assertEquals(12L, events.get("max"));
    assertEquals(1L, events.get("oom_kill"));
    Files.writeString(pod.resolve("pids.events"), "max many\n");
    assertThrows(CgroupException.class, () -> driver.counters("p", "pids.events"));
  }
}
