package dev.skiff.runtime.container;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupDrivers;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.runtime.cgroup.CgroupMode;
import dev.skiff.runtime.linux.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real container on a pure cgroup v2 kernel, through the shim: its /sys/fs/cgroup is
 * cgroup2 in its own cgroup namespace (memory.max is the limit set on its cgroup, its
 * /proc/self/cgroup reads "0::/"), read-only, and the device program keeps it from a block
 * device it makes itself while /dev/null works.
 *
 * <p>Run by {@code bin/cgv2-vm-test} in the QEMU guest after CgroupV2KernelCheck (a main, for
 * the same reason: one slow JVM start). Prints PASS/FAIL per check; exit 1 on a failure, 2
 * outside a pure cgroup v2 kernel.
 */
public final class ContainerV2KernelCheck {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);
  private static final long LIMIT = 48L << 20;

  private ContainerV2KernelCheck() {}

  public static void main(String[] args) throws Exception {
    String mounts = Files.readString(Path.of("/proc/self/mounts"));
    if (mounts.contains(" cgroup ") || !mounts.contains(" /sys/fs/cgroup cgroup2 ")) {
      System.err.println("ContainerV2KernelCheck: not a pure cgroup v2 kernel (run it through bin/cgv2-vm-test)");
      System.exit(2);
    }
    long start = System.nanoTime();
    String name = "a container sees its own cgroup2 read-only and only its allowed devices";
    System.out.println("RUN  " + name);
    int failures = 0;
    try {
      run();
      System.out.printf("PASS %s (%d ms)%n", name, (System.nanoTime() - start) / 1_000_000);
    } catch (Throwable e) {
      failures++;
      System.out.printf("FAIL %s: %s%n", name, e);
      e.printStackTrace(System.out);
    }
    System.out.println(failures == 0 ? "ContainerV2KernelCheck: all checks passed"
        : "ContainerV2KernelCheck: " + failures + " check(s) FAILED");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void run() throws Exception {
    CgroupDriver driver = CgroupDrivers.detect("/skiff-ctr");
    require(driver.mode() == CgroupMode.UNIFIED, "mode " + driver.mode());
    driver.createRoot();
    String cgroup = "pod/ctr";
    driver.create(cgroup, new CgroupLimits(0, 0, 0, LIMIT, LIMIT, "", "", Map.of(), Map.of()));
    // /run is a tmpfs in the guest: overlayfs cannot take its upper layer from the guest's overlay root.
    Path base = Files.createTempDirectory(Path.of("/run"), "ctrcheck");
    Bundle bundle = new Bundle(base.resolve("bundle"));
    Path log = base.resolve("ctr.log");
    try {
      Path busybox = BusyboxRootfs.build(base.resolve("busybox"));
      OverlayRootfs.mount(List.of(busybox), base.resolve("upper"), base.resolve("work"), bundle.rootfs());
      String script = "echo max: $(cat /sys/fs/cgroup/memory.max); echo self: $(cat /proc/self/cgroup);"
          + " echo files: $(ls /sys/fs/cgroup | grep -c -e memory.max -e cgroup.procs);"
          + " echo write: $(touch /sys/fs/cgroup/x 2>&1);"
          + " mknod /tmp/sda b 8 0 && echo sda: $(head -c 1 /tmp/sda 2>&1 >/dev/null);"
          + " echo x > /dev/null && echo null: ok";
      ContainerSpec spec = new ContainerSpec("v2check", ProcessRequest.of(List.of("sh", "-c", script), null),
          ImageDefaults.none(), List.of(), List.of(), SecurityRequest.defaults(), NamespacePaths.privateToContainer(),
          new PodFiles("v2check", null, null, null, null), driver.directories(cgroup), null, List.of(), null, null, log);
      RuntimeSpec runtime = RuntimeSpecBuilder.build(spec, bundle.rootfs(), Capabilities.hostAllowed());
      require(runtime.cgroupFs() != null && runtime.cgroupFs().unified(), "layout " + runtime.cgroupFs());
      driver.restrictDevices(cgroup, runtime.deviceRules());
      ContainerProcess process = ShimLauncher.fromSystem().create(bundle, runtime);
      process.start();
      require(process.awaitExit(EXIT_TIMEOUT), "the container did not exit");
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        out.add(line.split(" ", 4).length > 3 ? line.split(" ", 4)[3] : "");
      }
      System.out.println("  container output: " + out);
      require(out.contains("max: " + LIMIT), "memory.max inside: " + out);
      require(out.contains("self: 0::/"), "not in a cgroup namespace rooted at its cgroup: " + out);
      require(out.contains("files: 2"), "its cgroup's files are not at /sys/fs/cgroup: " + out);
      require(out.stream().anyMatch(l -> l.startsWith("write: ") && l.contains("Read-only file system")),
          "/sys/fs/cgroup is writable: " + out);
      require(out.stream().anyMatch(l -> l.startsWith("sda: ") && l.contains("Operation not permitted")),
          "a block device it made itself opened: " + out);
      require(out.contains("null: ok"), "/dev/null refused: " + out);
      require(process.exitStatus().orElseThrow().exitCode() == 0, "exit " + process.exitStatus());
    } finally {
      try {
        if (Files.exists(bundle.stateFile())) {
          ContainerProcess left = ShimLauncher.fromSystem().adopt(bundle);
          if (Processes.isAlive(left.state().shimPid(), left.state().shimStart())) {
            left.stop(Processes.SIGKILL, Duration.ZERO);
          }
        }
      } finally {
        OverlayRootfs.unmount(bundle.rootfs());
        driver.remove(cgroup);
        try (Stream<Path> walk = Files.walk(base)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void require(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }
}
