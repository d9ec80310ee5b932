package dev.skiff.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device allowlist on this machine's kernel: v1 devices files in the devices hierarchy,
 * and the v2 program (verifier and hook) on the hybrid host's cgroup2 tree, where device
 * programs apply exactly as on a pure v2 host. A shell joins the cgroup, then makes and opens
 * device nodes; each cgroup sits below this test's own cgroup and is removed afterwards.
 */
class DeviceCgroupKernelIT {
  /** deny all; mknod of anything; /dev/null rwm; 1:5 (zero) read only. */
  private static final List<DeviceRule> RULES = List.of(DeviceRule.deny(),
      DeviceRule.allow('c', DeviceRule.ANY, DeviceRule.ANY, "m"), DeviceRule.allow('b', DeviceRule.ANY, DeviceRule.ANY, "m"),
      DeviceRule.allow('c', 1, 3, "rwm"), DeviceRule.allow('c', 1, 5, "r"));

  @TempDir Path nodes;
  private final List<Path> cgroups = new ArrayList<>();

  @AfterEach
  void removeCgroups() throws Exception {
    for (Path dir : cgroups) {
      for (int attempt = 0; attempt < 100 && Files.exists(dir); attempt++) {
        try {
          Files.delete(dir);
        } catch (IOException busy) {
          Thread.sleep(20);
        }
      }
    }
  }

  @Test
  void v1DevicesFilesDenyWhatTheRulesDoNotAllow() throws Exception {
    Path dir = ownCgroup("devices", "/sys/fs/cgroup/devices");
    DeviceCgroup.applyV1(dir, RULES);
    assertEquals("c *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 r", Files.readString(dir.resolve("devices.list")).strip());
    assertEnforced(dir);
  }

  @Test
  void v2ProgramDeniesWhatTheRulesDoNotAllow() throws Exception {
    Path dir = ownCgroup("", "/sys/fs/cgroup/unified");
    DeviceCgroup.applyV2(dir, RULES);
    assertEnforced(dir);
  }

  @Test
  void v2DefaultsPassTheVerifierAndAllowTheStandardNodes() throws Exception {
    Path dir = ownCgroup("", "/sys/fs/cgroup/unified");
    DeviceCgroup.applyV2(dir, DeviceRule.DEFAULTS);
    String out = inCgroup(dir, "head -c 4 /dev/urandom | wc -c; echo x > /dev/null && echo null-ok;"
        + " mknod " + nodes + "/loop b 7 0 && echo mknod-ok; head -c 1 " + nodes + "/loop");
    assertTrue(out.contains("4\nnull-ok\nmknod-ok\n"), out);
    assertTrue(out.contains("Operation not permitted"), out);
  }

  private void assertEnforced(Path dir) throws Exception {
    String out = inCgroup(dir, "set -u; n=" + nodes + ";"
        + " mknod $n/zero c 1 5 && mknod $n/full c 1 7 && mknod $n/loop b 7 0 && echo mknod-ok;"
        + " head -c 3 $n/zero | wc -c;"
        + " echo x > $n/zero || echo zero-write-denied;"
        + " head -c 1 $n/full || echo full-read-denied;"
        + " head -c 1 $n/loop || echo block-read-denied;"
        + " echo x > /dev/null && echo null-ok");
    assertTrue(out.contains("mknod-ok\n3\n"), out);
    assertTrue(out.contains("zero-write-denied\n"), out);
    assertTrue(out.contains("full-read-denied\n"), out);
    assertTrue(out.contains("block-read-denied\n"), out);
    assertTrue(out.contains("null-ok\n"), out);
    assertTrue(out.contains("Operation not permitted"), "EPERM from the device cgroup: " + out);
  }

  /** Runs the script in a shell that first moves itself into the cgroup; stdout and stderr merged. */
  private static String inCgroup(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " || exit 99; " + script)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }

  /** A new cgroup below this process's own cgroup of that hierarchy ("" = cgroup2). */
  private Path ownCgroup(String controller, String mount) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[1].equals(controller) && Files.isDirectory(Path.of(mount))) {
        Path dir = Path.of(mount, f[2].substring(1), "skiff-devit-" + ProcessHandle.current().pid() + "-" + cgroups.size());
        Files.createDirectory(dir);
        cgroups.add(dir);
        return dir;
      }
    }
    throw new IllegalStateException("this host has no " + mount + " for " + (controller.isEmpty() ? "cgroup2" : controller));
  }
}
