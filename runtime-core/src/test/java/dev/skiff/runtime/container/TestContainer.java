package dev.skiff.runtime.container;

import dev.skiff.runtime.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One container for an integration test: bundle under a private temp dir, overlay rootfs
 * over the busybox layer (plus optional extra top layers), its own cgroup; close() stops it
 * and removes every mount, cgroup and file, whatever the test did.
 */
final class TestContainer implements AutoCloseable {
  final Path base;
  final Bundle bundle;
  final Path log;
  final TestCgroup cgroup;
  ContainerProcess process;

  TestContainer(Path base, String id) throws IOException {
    this.base = base;
    this.bundle = new Bundle(base.resolve("bundle"));
    this.log = base.resolve("container.log");
    this.cgroup = new TestCgroup("skiff-it-" + ProcessHandle.current().pid() + "-" + id);
  }

  /** Mounts the overlay with lowers (top first) and returns the spec base for the test to adjust. */
  ContainerSpec spec(String id, List<Path> lowersTopFirst, List<String> args, SecurityRequest security,
      List<MountRequest> mounts) throws Exception {
    OverlayRootfs.mount(lowersTopFirst, base.resolve("upper"), base.resolve("work"), bundle.rootfs());
    return new ContainerSpec(id, ProcessRequest.of(args, null), ImageDefaults.none(), mounts, List.of(), security,
        NamespacePaths.privateToContainer(), new PodFiles("test-pod", null, null, null, null), cgroup.dirs(),
        cgroup.oomCounter(), List.of(), null, null, log);
  }

  ContainerProcess create(ShimLauncher launcher, ContainerSpec spec) throws Exception {
    RuntimeSpec runtime = RuntimeSpecBuilder.build(spec, bundle.rootfs(), Capabilities.hostAllowed());
    process = launcher.create(bundle, runtime);
    return process;
  }

  List<String> logLines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** The text of log records of one stream, without timestamps and tags. */
  List<String> output(String stream) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : logLines()) {
      String[] f = line.split(" ", 4);
      if (f[1].equals(stream)) {
        out.add(f.length > 3 ? f[3] : "");
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      if (Files.exists(bundle.stateFile())) {
        ShimState state = new ShimLauncher(ShimBinary.locate()).adopt(bundle).state();
        if (Processes.isAlive(state.shimPid(), state.shimStart())) {
          new ShimLauncher(ShimBinary.locate()).adopt(bundle).stop(Processes.SIGKILL, Duration.ZERO);
        }
      }
    } finally {
      try {
        OverlayRootfs.unmount(bundle.rootfs());
      } finally {
        cgroup.close();
        try (Stream<Path> walk = Files.walk(base)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
