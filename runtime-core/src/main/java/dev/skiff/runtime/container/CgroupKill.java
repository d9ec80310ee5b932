package dev.skiff.runtime.container;

import dev.skiff.runtime.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SIGKILL to every process of the container's cgroups: cgroup.kill where the kernel has it
 * (cgroup v2, 5.14+), else each pid listed in cgroup.procs (v1), repeated until empty.
 */
public final class CgroupKill {
  private CgroupKill() {}

  public static void killAll(List<Path> cgroupDirs) throws IOException {
    for (Path dir : cgroupDirs) {
      Path kill = dir.resolve("cgroup.kill");
      if (Files.exists(kill)) {
        Files.writeString(kill, "1");
        return;
      }
    }
    for (Path dir : cgroupDirs) {
      Path procs = dir.resolve("cgroup.procs");
      for (int round = 0; round < 10 && Files.exists(procs); round++) {
        List<String> pids = Files.readAllLines(procs);
        if (pids.isEmpty()) {
          break;
        }
        for (String pid : pids) {
          if (!pid.isBlank()) {
            Processes.kill(Integer.parseInt(pid.strip()), Processes.SIGKILL);
          }
        }
      }
    }
  }
}
