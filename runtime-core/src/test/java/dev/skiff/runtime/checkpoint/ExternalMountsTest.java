package dev.skiff.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExternalMountsTest {
  /** A skiff container's mountinfo, as /proc/PID/mountinfo shows it (shortened). */
  private static final String MOUNTINFO = """
      812 700 0:95 / / rw,relatime - overlay overlay rw,lowerdir=/l1,upperdir=/u,workdir=/w
      813 812 0:97 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
      814 812 0:98 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
      815 814 0:99 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666
      816 814 0:100 / /dev/mqueue rw,nosuid,nodev,noexec,relatime - mqueue mqueue rw
      817 812 0:101 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
      818 817 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw
      819 812 8:1 /var/lib/skiff/pods/p/hosts /etc/hosts rw,relatime - ext4 /dev/sda1 rw
      820 814 0:45 / /dev/shm rw,nosuid,nodev - tmpfs shm rw,size=65536k
      821 812 8:1 /srv/my\\040data /data ro,relatime - ext4 /dev/sda1 rw
      822 813 0:5 /null /proc/kcore rw,nosuid - devtmpfs udev rw,size=1000k
      823 813 0:97 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw
      824 813 0:102 / /proc/acpi ro,relatime - tmpfs tmpfs ro,size=0k
      """;

  @Test
  void hostContentIsExternalAndTheContainersOwnFilesystemsAreNot() {
    List<MountInfo> mounts = MountInfo.parse(MOUNTINFO);
    assertEquals(13, mounts.size());
    assertEquals("/data", mounts.get(9).mountPoint());
    List<String> external = ExternalMounts.of(mounts, Set.of("/etc/hosts", "/dev/shm", "/data"));
    assertEquals(List.of("/etc/hosts", "/dev/shm", "/data", "/proc/kcore"), external);
    assertFalse(external.contains("/"), "the root is --root, not external");
  }

  @Test
  void octalEscapesAreDecoded() {
    assertEquals("/srv/my data", MountInfo.unescape("/srv/my\\040data"));
    assertEquals("/a\\b", MountInfo.unescape("/a\\134b"));
    assertEquals("/x\\0", MountInfo.unescape("/x\\0"));
    assertTrue(MountInfo.parse("garbage line\n").isEmpty());
  }
}
