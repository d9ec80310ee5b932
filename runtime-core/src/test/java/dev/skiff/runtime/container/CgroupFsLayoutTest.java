package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupFsLayoutTest {
  private static final List<String> HYBRID = List.of(
      "25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
      "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,clone_children,devices",
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd",
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate");

  @Test
  void hybridHostGetsOneMountPerJoinedHierarchyAndControllerLinks() {
    CgroupFsLayout layout = CgroupFsLayout.of(List.of(Path.of("/sys/fs/cgroup/cpu,cpuacct/skiff/p/c"),
        Path.of("/sys/fs/cgroup/memory/skiff/p/c"), Path.of("/sys/fs/cgroup/systemd/skiff/p/c"),
        Path.of("/sys/fs/cgroup/unified/skiff/p/c")), HYBRID);
    assertFalse(layout.unified());
    assertEquals(List.of(new CgroupFsLayout.Mount("cpu,cpuacct", "cgroup", "cpu,cpuacct"),
        new CgroupFsLayout.Mount("memory", "cgroup", "memory"),
        new CgroupFsLayout.Mount("systemd", "cgroup", "name=systemd"),
        new CgroupFsLayout.Mount("unified", "cgroup2", "")), layout.mounts());
    assertEquals(List.of(new CgroupFsLayout.Link("cpu", "cpu,cpuacct"), new CgroupFsLayout.Link("cpuacct", "cpu,cpuacct")),
        layout.links());
  }

  @Test
  void optionsThatAreNotControllersStayOut() {
    CgroupFsLayout layout = CgroupFsLayout.of(List.of(Path.of("/sys/fs/cgroup/devices/a")), HYBRID);
    assertEquals(List.of(new CgroupFsLayout.Mount("devices", "cgroup", "devices")), layout.mounts());
  }

  @Test
  void pureV2HostMountsCgroup2AtTheTop() {
    CgroupFsLayout layout = CgroupFsLayout.of(List.of(Path.of("/sys/fs/cgroup/skiff/p/c")),
        List.of("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"));
    assertTrue(layout.unified());
    assertTrue(layout.mounts().isEmpty());
  }

  @Test
  void directoriesOffCgroupFilesystemsGiveNoLayout() {
    assertNull(CgroupFsLayout.of(List.of(Path.of("/tmp/not-a-cgroup")), HYBRID));
  }
}
