package dev.skiff.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountApiTest {
  @Test
  void mountSetattrProbeAgreesWithTheKernelVersion() throws Exception {
    // mount_setattr arrived in Linux 5.12; the probe must say yes exactly on such kernels.
    String[] release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip().split("[.-]");
    int major = Integer.parseInt(release[0]);
    int minor = Integer.parseInt(release[1]);
    boolean expected = major > 5 || (major == 5 && minor >= 12);
    assertEquals(expected, MountApi.mountSetattrSupported(), "kernel " + String.join(".", release));
  }
}
