package dev.skiff.runtime.container;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupException;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The init of a pod's shared PID namespace (pid = POD): {@code skiff-shim pod-init}, PID 1
 * of the namespace, reaping orphans (src/main/c/podinit.h). Only pods whose containers ask
 * for pid = POD get one, started with the first such container. The state file in the pod's
 * run directory (pid + start time) is the only record: it survives skiffd, and a restarted
 * skiffd finds the init there. Callers serialize per pod.
 *
 * <p>The init lives in the pod's cgroup, in a leaf of its own ({@code POD_CGROUP/pod-init},
 * in every hierarchy): cgroup v2 admits no process into a cgroup that delegates controllers to
 * children, as the pod's cgroup does to its containers'. The launcher joins that leaf before
 * it forks the init, so the init never runs in skiffd's cgroup.
 */
public final class PodPidInit {
  static final String STATE_FILE = "pid-init";
  static final String CGROUP_LEAF = "pod-init";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private record Init(int pid, long startTime) {}

  private PodPidInit() {}

  /** The init's cgroup: a leaf below the pod's, named so that it cannot clash with a container's. */
  public static String cgroupOf(String podCgroup) {
    return podCgroup + "/" + CGROUP_LEAF;
  }

  /** /proc/PID/ns/pid of the pod's live init, starting one (in the pod's cgroup) when there is none. */
  public static String ensure(Path podDir, CgroupDriver cgroups, String podCgroup)
      throws ContainerException, IOException {
    Optional<Init> live = live(podDir);
    int pid;
    if (live.isPresent()) {
      pid = live.get().pid();
    } else {
      String cgroup = cgroupOf(podCgroup);
      try {
        cgroups.create(cgroup, CgroupLimits.NONE);
      } catch (CgroupException e) {
        throw new ContainerException(ContainerException.Kind.INTERNAL,
            "cannot create the cgroup of the pod's PID namespace init: " + e.getMessage(), e);
      }
      pid = start(podDir, cgroups.directories(cgroup));
    }
    return "/proc/" + pid + "/ns/pid";
  }

  /**
   * Kills the pod's init (the kernel then kills what is left in its namespace) and removes
   * its cgroup; idempotent, and also finishes a stop that a crash cut short.
   */
  public static void stop(Path podDir, CgroupDriver cgroups, String podCgroup) throws IOException {
    stop(podDir);
    String cgroup = cgroupOf(podCgroup);
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (true) {
      try {
        cgroups.removeLeaf(cgroup);
        return;
      } catch (CgroupException e) {
        // Busy until the killed init (and its namespace) are fully gone.
        if (System.nanoTime() > deadline) {
          throw new IOException("cannot remove the cgroup of the pod's PID namespace init: " + e.getMessage(), e);
        }
        CgroupKill.killAll(cgroups.directories(cgroup));
        sleep();
      }
    }
  }

  private static void stop(Path podDir) throws IOException {
    Optional<Init> live = live(podDir);
    if (live.isPresent()) {
      try {
        Processes.kill(live.get().pid(), Processes.SIGKILL);
      } catch (KernelException e) {
        throw new IOException("cannot kill the pod's PID namespace init " + live.get().pid(), e);
      }
      long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
      // The init turns zombie only once the kernel emptied its namespace: that is the end of the
      // pod's processes; its reaping (by the host's init, the launcher is gone) is not waited for.
      while (Processes.isAlive(live.get().pid(), live.get().startTime()) && System.nanoTime() < deadline) {
        sleep();
      }
    }
    Files.deleteIfExists(podDir.resolve(STATE_FILE));
  }

  private static int start(Path podDir, List<Path> cgroupDirs) throws ContainerException, IOException {
    Path shim = ShimBinary.locate();
    List<String> command = new ArrayList<>(List.of(shim.toString(), "pod-init", "--state",
        podDir.resolve(STATE_FILE).toString()));
    for (Path dir : cgroupDirs) {
      command.add("--cgroup");
      command.add(dir.toString());
    }
    String pid = ShimReply.run(command, START_TIMEOUT, "start the pod's PID namespace init",
        "cannot start the pod's PID namespace init");
    return Integer.parseInt(pid);
  }

  private static Optional<Init> live(Path podDir) throws IOException {
    Map<String, String> state = Bundle.readKeyValues(podDir.resolve(STATE_FILE));
    if (state == null || !state.containsKey("pid") || !state.containsKey("pid_start")) {
      return Optional.empty();
    }
    int pid = Integer.parseInt(state.get("pid").strip());
    long start = Long.parseLong(state.get("pid_start").strip());
    return Processes.isAlive(pid, start) ? Optional.of(new Init(pid, start)) : Optional.empty();
  }

  private static void sleep() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
