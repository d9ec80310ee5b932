package dev.skiff.server;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupDrivers;
import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.network.Ipam;
import dev.skiff.runtime.network.PodNetwork;
import dev.skiff.runtime.network.Subnet;
import dev.skiff.runtime.pod.PinnedNamespaces;
import dev.skiff.runtime.pod.PodFiles;
import dev.skiff.runtime.pod.PodRuntime;
import dev.skiff.server.config.SkiffConfig;
import dev.skiff.server.rpc.runtime.Condition;
import dev.skiff.server.rpc.sandbox.ListPodSandboxRpc;
import dev.skiff.server.rpc.sandbox.PodContainers;
import dev.skiff.server.rpc.sandbox.PodSandboxStatusRpc;
import dev.skiff.server.rpc.sandbox.RemovePodSandboxRpc;
import dev.skiff.server.rpc.sandbox.RunPodSandboxRpc;
import dev.skiff.server.rpc.sandbox.SandboxRpcs;
import dev.skiff.server.rpc.sandbox.StopPodSandboxRpc;
import dev.skiff.server.rpc.sandbox.UpdatePodSandboxResourcesRpc;
import dev.skiff.server.state.PodRecovery;
import dev.skiff.server.state.PodStore;
import dev.skiff.server.state.RuntimeSettingsStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** Pods wired together: cgroup driver, namespace thread, network, runtime, store, RPCs, recovery. */
public final class PodSandboxes {
  private final PodRuntime runtime;
  private final PodStore store;
  private final SandboxRpcs rpcs;
  private final RuntimeSettingsStore settings;
  private final SkiffConfig config;

  private PodSandboxes(PodRuntime runtime, PodStore store, SandboxRpcs rpcs, RuntimeSettingsStore settings,
      SkiffConfig config) {
    this.runtime = runtime;
    this.store = store;
    this.rpcs = rpcs;
    this.settings = settings;
    this.config = config;
  }

  public static PodSandboxes create(SkiffConfig config, RuntimeSettingsStore settings, PodContainers containers)
      throws IOException {
    Path stateDir = Path.of(config.daemon().stateDir());
    CgroupDriver cgroups = CgroupDrivers.detect(config.cgroup().root());
    cgroups.createRoot();
    NamespaceThread thread = new NamespaceThread();
    PodNetwork network = new PodNetwork(config.network().bridge(), new Ipam(stateDir.resolve("network/ipam")), thread);
    PodRuntime runtime = new PodRuntime(Path.of(config.daemon().runDir()), new PinnedNamespaces(thread),
        new PodFiles(Path.of("/etc/resolv.conf")), network, cgroups);
    PodStore store = new PodStore(stateDir);
    Clock clock = Clock.systemUTC();
    PodSandboxes pods = new PodSandboxes(runtime, store, null, settings, config);
    SandboxRpcs rpcs = new SandboxRpcs(
        new RunPodSandboxRpc(store, runtime, pods::currentSubnet, clock),
        new StopPodSandboxRpc(store, runtime, containers),
        new RemovePodSandboxRpc(store, runtime, containers),
        new PodSandboxStatusRpc(store, cgroups, clock),
        new ListPodSandboxRpc(store),
        new UpdatePodSandboxResourcesRpc(store, cgroups));
    return new PodSandboxes(runtime, store, rpcs, settings, config);
  }

  /** The pod CIDR kubelet sent through UpdateRuntimeConfig, else the configured one. */
  Subnet currentSubnet() {
    String fromKubelet = settings.current().podCidr();
    return Subnet.parse(fromKubelet == null || fromKubelet.isEmpty() ? config.network().podCidr() : fromKubelet);
  }

  /** Reloads pods and sets the network up; runs before skiffd answers calls. */
  public void recover() throws Exception {
    PodRecovery.run(store, runtime, currentSubnet());
  }

  /**
   * Sweeps again the pod directories no record names, once the containers recovered: one
   * whose record was lost still had containers (their cgroups below its cgroup) the first time.
   */
  public void sweepOrphans() throws Exception {
    PodRecovery.sweepOrphans(store, runtime);
  }

  public SandboxRpcs rpcs() {
    return rpcs;
  }

  public Condition networkCondition() {
    PodNetwork network = runtime.network();
    return network.ready() ? Condition.ok() : new Condition(false, "NetworkNotReady", network.notReadyReason());
  }

  public PodStore store() {
    return store;
  }

  public CgroupDriver cgroups() {
    return runtime.cgroups();
  }

  public String cgroupMode() {
    return runtime.cgroups().mode().name();
  }
}
