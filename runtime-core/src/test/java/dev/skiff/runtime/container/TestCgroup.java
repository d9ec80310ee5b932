package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup for one test container, made under the cgroups this test process runs in (never
 * at the top of a hierarchy): the controller-less cgroup2 tree at /sys/fs/cgroup/unified
 * (which has cgroup.kill), and the v1 memory and pids hierarchies of this hybrid host.
 */
final class TestCgroup implements AutoCloseable {
  private static final String[] V1_CONTROLLERS = {"memory", "pids"};
  private final List<Path> dirs = new ArrayList<>();

  TestCgroup(String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      Path mount = null;
      if (f[0].equals("0") && Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.procs"))) {
        mount = Path.of("/sys/fs/cgroup/unified");
      } else if (f[0].equals("0") && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
        mount = Path.of("/sys/fs/cgroup");
      } else {
        for (String controller : V1_CONTROLLERS) {
          if (List.of(f[1].split(",")).contains(controller)) {
            mount = Path.of("/sys/fs/cgroup", controller);
          }
        }
      }
      if (mount != null) {
        Path dir = mount.resolve(f[2].substring(1)).resolve(name);
        Files.createDirectories(dir);
        dirs.add(dir);
      }
    }
  }

  List<Path> dirs() {
    return dirs;
  }

  Path oomCounter() {
    for (Path dir : dirs) {
      if (Files.exists(dir.resolve("memory.oom_control"))) {
        return dir.resolve("memory.oom_control");
      }
      if (Files.exists(dir.resolve("memory.events"))) {
        return dir.resolve("memory.events");
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    for (Path dir : dirs) {
      for (int attempt = 0; attempt < 50; attempt++) {
        try {
          Files.deleteIfExists(dir);
          break;
        } catch (IOException busy) {
          // Busy until the last process of the cgroup is fully gone.
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }
}
