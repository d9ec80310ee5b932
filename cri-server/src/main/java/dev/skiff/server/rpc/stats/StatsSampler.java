package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ContainerAttributes;
import dev.skiff.cri.v1.ContainerMetadata;
import dev.skiff.cri.v1.ContainerStats;
import dev.skiff.cri.v1.CpuUsage;
import dev.skiff.cri.v1.FilesystemIdentifier;
import dev.skiff.cri.v1.FilesystemUsage;
import dev.skiff.cri.v1.LinuxPodSandboxStats;
import dev.skiff.cri.v1.MemoryUsage;
import dev.skiff.cri.v1.NetworkInterfaceUsage;
import dev.skiff.cri.v1.NetworkUsage;
import dev.skiff.cri.v1.PodSandboxAttributes;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PodSandboxStats;
import dev.skiff.cri.v1.ProcessUsage;
import dev.skiff.cri.v1.SwapUsage;
import dev.skiff.cri.v1.UInt64Value;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.stats.CgroupSample;
import dev.skiff.runtime.stats.CgroupStatsReader;
import dev.skiff.runtime.stats.CpuRates;
import dev.skiff.runtime.stats.DirectoryUsage;
import dev.skiff.runtime.stats.InterfaceCounters;
import dev.skiff.runtime.stats.PodNetworkReader;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one sample of a container or a pod and shapes it as the CRI's stats messages. A
 * figure skiff cannot read (controller not mounted, cgroup already removed) is left out, never
 * reported as zero. usage_nano_cores needs a previous sample of the same container or pod,
 * so the first call after start has none; only a running container gets one.
 */
public final class StatsSampler {
  private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);

  private final CgroupStatsReader cgroups;
  private final PodNetworkReader network;
  private final ContainerStore containers;
  private final CpuRates rates = new CpuRates();
  private final Clock clock;

  public StatsSampler(CgroupStatsReader cgroups, PodNetworkReader network, ContainerStore containers, Clock clock) {
    this.cgroups = cgroups;
    this.network = network;
    this.containers = containers;
    this.clock = clock;
  }

  /** A sample of one container: its cgroup's figures and its writable layer. */
  public ContainerSample container(ContainerRecord record) throws IOException {
    long now = nanos(clock.instant());
    boolean running = isRunning(record);
    CgroupSample sample = cgroups.read(record.cgroup(), now);
    Path upper = Path.of(record.layerDir(), "upper");
    DirectoryUsage layer = DirectoryUsage.of(upper);
    Long rate = null;
    if (running && sample.cpu().isPresent()) {
      var computed = rates.update(record.id(), sample.cpu().get());
      rate = computed.isPresent() ? computed.getAsLong() : null;
    }
    return new ContainerSample(record, sample, rate, layer, Path.of(record.layerDir()).getParent().toString(), now);
  }

  /** A sample of a pod: its cgroup (every container below it), its network and its containers. */
  public PodSample pod(PodRecord record) throws IOException {
    long now = nanos(clock.instant());
    CgroupSample sample = cgroups.read(record.sandbox().cgroup(), now);
    Long rate = null;
    if (record.state() == PodState.READY && sample.cpu().isPresent()) {
      var computed = rates.update("pod/" + record.id(), sample.cpu().get());
      rate = computed.isPresent() ? computed.getAsLong() : null;
    }
    List<InterfaceCounters> interfaces = List.of();
    String netns = record.sandbox().netns();
    if (netns != null && record.state() == PodState.READY) {
      try {
        interfaces = network.read(Path.of(netns));
      } catch (Exception e) {
        LOG.debug("Cannot read the network counters of pod {}: {}", record.id(), e.toString());
      }
    }
    List<ContainerSample> ofPod = containers.ofPod(record.id()).stream().map(this::containerQuietly)
        .flatMap(Optional::stream).toList();
    return new PodSample(record, sample, rate, interfaces, ofPod, now);
  }

  /** Forgets the previous CPU sample of a deleted container or pod. */
  public void forgetContainer(String id) {
    rates.forget(id);
  }

  public void forgetPod(String id) {
    rates.forget("pod/" + id);
  }

  private Optional<ContainerSample> containerQuietly(ContainerRecord record) {
    try {
      return Optional.of(container(record));
    } catch (IOException e) {
      LOG.debug("Cannot read the stats of container {}: {}", record.shortId(), e.toString());
      return Optional.empty();
    }
  }

  private boolean isRunning(ContainerRecord record) {
    Optional<ContainerProcess> process = containers.process(record.id());
    try {
      return process.isPresent() && process.get().phase() == ContainerProcess.Phase.RUNNING;
    } catch (IOException e) {
      return false;
    }
  }

  static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** One container's figures at one moment. */
  public record ContainerSample(
      ContainerRecord record, CgroupSample cgroup, Long usageNanoCores, DirectoryUsage layer, String layerFs,
      long timestampNanos) {

    public ContainerStats toCri() {
      ContainerStats.Builder stats = ContainerStats.newBuilder()
          .setAttributes(ContainerAttributes.newBuilder()
              .setId(record.id())
              .setMetadata(ContainerMetadata.newBuilder()
                  .setName(record.metadata().name()).setAttempt(record.metadata().attempt()))
              .putAllLabels(record.labels())
              .putAllAnnotations(record.annotations()))
          .setWritableLayer(FilesystemUsage.newBuilder()
              .setTimestamp(timestampNanos)
              .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(layerFs))
              .setUsedBytes(u64(layer.bytes()))
              .setInodesUsed(u64(layer.inodes())));
      cpu(cgroup, usageNanoCores).ifPresent(stats::setCpu);
      memory(cgroup).ifPresent(stats::setMemory);
      cgroup.swap().ifPresent(swap -> {
        SwapUsage.Builder usage = SwapUsage.newBuilder().setTimestamp(cgroup.timestampNanos())
            .setSwapUsageBytes(u64(swap.usage()));
        swap.available().ifPresent(available -> usage.setSwapAvailableBytes(u64(available)));
        stats.setSwap(usage);
      });
      return stats.build();
    }
  }

  /** One pod's figures at one moment, its containers' included. */
  public record PodSample(
      PodRecord record, CgroupSample cgroup, Long usageNanoCores, List<InterfaceCounters> interfaces,
      List<ContainerSample> containers, long timestampNanos) {

    public PodSandboxStats toCri() {
      LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
      cpu(cgroup, usageNanoCores).ifPresent(linux::setCpu);
      memory(cgroup).ifPresent(linux::setMemory);
      cgroup.processes().ifPresent(count -> linux.setProcess(
          ProcessUsage.newBuilder().setTimestamp(timestampNanos).setProcessCount(u64(count))));
      if (!interfaces.isEmpty()) {
        NetworkUsage.Builder usage = NetworkUsage.newBuilder().setTimestamp(timestampNanos);
        for (InterfaceCounters counters : interfaces) {
          NetworkInterfaceUsage view = NetworkInterfaceUsage.newBuilder()
              .setName(counters.name())
              .setRxBytes(u64(counters.rxBytes()))
              .setRxErrors(u64(counters.rxErrors()))
              .setTxBytes(u64(counters.txBytes()))
              .setTxErrors(u64(counters.txErrors()))
              .build();
          // The pod's veth end is always eth0; kubelet reads the default interface only.
          if (counters.name().equals("eth0")) {
            usage.setDefaultInterface(view);
          } else {
            usage.addInterfaces(view);
          }
        }
        linux.setNetwork(usage);
      }
      containers.forEach(container -> linux.addContainers(container.toCri()));
      return PodSandboxStats.newBuilder()
          .setAttributes(PodSandboxAttributes.newBuilder()
              .setId(record.id())
              .setMetadata(PodSandboxMetadata.newBuilder()
                  .setName(record.metadata().name())
                  .setUid(record.metadata().uid())
                  .setNamespace(record.metadata().namespace())
                  .setAttempt(record.metadata().attempt()))
              .putAllLabels(record.labels())
              .putAllAnnotations(record.annotations()))
          .setLinux(linux)
          .build();
    }
  }

  private static Optional<CpuUsage> cpu(CgroupSample sample, Long usageNanoCores) {
    return sample.cpu().map(cpu -> {
      CpuUsage.Builder usage = CpuUsage.newBuilder().setTimestamp(cpu.timestampNanos())
          .setUsageCoreNanoSeconds(u64(cpu.usageCoreNanos()));
      if (usageNanoCores != null) {
        usage.setUsageNanoCores(u64(usageNanoCores));
      }
      return usage.build();
    });
  }

  private static Optional<MemoryUsage> memory(CgroupSample sample) {
    return sample.memory().map(memory -> {
      MemoryUsage.Builder usage = MemoryUsage.newBuilder().setTimestamp(sample.timestampNanos())
          .setWorkingSetBytes(u64(memory.workingSet()))
          .setUsageBytes(u64(memory.usage()))
          .setRssBytes(u64(memory.rss()))
          .setPageFaults(u64(memory.pageFaults()))
          .setMajorPageFaults(u64(memory.majorPageFaults()));
      memory.available().ifPresent(available -> usage.setAvailableBytes(u64(available)));
      return usage.build();
    });
  }

  static UInt64Value u64(long value) {
    return UInt64Value.newBuilder().setValue(value).build();
  }
}
