package dev.skiff.server;

import dev.skiff.image.ImageStore;
import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.container.Capabilities;
import dev.skiff.runtime.container.ShimLauncher;
import dev.skiff.server.config.SkiffConfig;
import dev.skiff.runtime.checkpoint.ContainerCheckpointer;
import dev.skiff.runtime.checkpoint.CriuProbe;
import dev.skiff.server.grpc.ImageServiceAdapter;
import dev.skiff.server.rpc.container.CheckpointContainerRpc;
import dev.skiff.server.rpc.container.ContainerDirectories;
import dev.skiff.server.rpc.container.ContainerEventListener;
import dev.skiff.server.rpc.container.ContainerRpcs;
import dev.skiff.server.rpc.container.ContainerStatusRpc;
import dev.skiff.server.rpc.container.ContainerTeardown;
import dev.skiff.server.rpc.container.ContainersOfPods;
import dev.skiff.server.rpc.container.CreateContainerRpc;
import dev.skiff.server.rpc.container.ExecSyncRpc;
import dev.skiff.server.rpc.container.ExitWatcher;
import dev.skiff.server.rpc.container.ListContainersRpc;
import dev.skiff.server.rpc.container.RemoveContainerRpc;
import dev.skiff.server.rpc.container.ReopenContainerLogRpc;
import dev.skiff.server.rpc.container.StartContainerRpc;
import dev.skiff.server.rpc.container.StopContainerRpc;
import dev.skiff.server.rpc.container.UpdateContainerResourcesRpc;
import dev.skiff.server.rpc.sandbox.PodContainers;
import dev.skiff.server.state.ContainerRecovery;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Containers wired together: store, shim launcher, teardown, RPCs, the pods' seam, recovery. */
public final class Containers {
  private final ContainerStore store;
  private final ShimLauncher launcher;
  private final ContainerTeardown teardown;
  private final ContainerDirectories dirs;
  private final ContainerRpcs rpcs;
  private final PodStore pods;
  private final ContainerCheckpointer checkpointer;
  private final CgroupDriver cgroups;

  private Containers(ContainerStore store, ShimLauncher launcher, ContainerTeardown teardown,
      ContainerDirectories dirs, ContainerRpcs rpcs, PodStore pods, ContainerCheckpointer checkpointer,
      CgroupDriver cgroups) {
    this.pods = pods;
    this.checkpointer = checkpointer;
    this.cgroups = cgroups;
    this.store = store;
    this.launcher = launcher;
    this.teardown = teardown;
    this.dirs = dirs;
    this.rpcs = rpcs;
  }

  public static Containers create(SkiffConfig config, ContainerStore store, PodStore pods, CgroupDriver cgroups,
      ImageStore images, ContainerEventListener events) throws Exception {
    Path stateDir = Path.of(config.daemon().stateDir());
    ContainerDirectories dirs = ContainerDirectories.of(Path.of(config.daemon().runDir()), stateDir);
    Files.createDirectories(dirs.bundles());
    Files.createDirectories(dirs.layers());
    ShimLauncher launcher = ShimLauncher.fromSystem();
    Clock clock = Clock.systemUTC();
    Set<String> hostCapabilities = Capabilities.hostAllowed();
    ContainerTeardown teardown = new ContainerTeardown(store, cgroups, events, clock);
    ContainerCheckpointer checkpointer = new ContainerCheckpointer(
        new CriuProbe(config.checkpoint().criuPath()), stateDir.resolve("checkpoints"), clock);
    ContainerRpcs rpcs = new ContainerRpcs(
        new CreateContainerRpc(pods, store, images, cgroups, launcher, dirs, teardown, hostCapabilities, clock),
        new StartContainerRpc(store, teardown),
        new StopContainerRpc(store, teardown),
        new RemoveContainerRpc(store, teardown),
        new ContainerStatusRpc(store),
        new ListContainersRpc(store),
        new UpdateContainerResourcesRpc(store, cgroups),
        new ReopenContainerLogRpc(store),
        new ExecSyncRpc(store),
        new CheckpointContainerRpc(store, pods, checkpointer,
            Duration.ofSeconds(config.checkpoint().defaultTimeoutSeconds()), ImageServiceAdapter::callTimeLeft));
    return new Containers(store, launcher, teardown, dirs, rpcs, pods, checkpointer, cgroups);
  }

  /** Re-adopts every container's shim and cleans what a crash left; runs before skiffd answers calls. */
  public void recover() throws Exception {
    checkpointer.cleanLeftovers();
    // Pods recover first: a container whose pod did not come back goes with it.
    Set<String> podIds = pods.all().stream().map(pod -> pod.id()).collect(Collectors.toSet());
    ContainerRecovery.run(store, launcher, teardown, dirs.bundles(), dirs.layers(), podIds);
    // Exits that happened while skiffd was down are history, not news.
    for (var record : store.all()) {
      var process = store.process(record.id());
      if (process.isEmpty() || process.get().phase() == dev.skiff.runtime.container.ContainerProcess.Phase.EXITED) {
        teardown.markExitAnnounced(record.id());
      }
    }
    new ExitWatcher(store, teardown).start();
  }

  public ContainerRpcs rpcs() {
    return rpcs;
  }

  public PodContainers podContainers() {
    return new ContainersOfPods(store, teardown, cgroups, podId -> pods.get(podId).map(pod -> pod.sandbox()));
  }
}
