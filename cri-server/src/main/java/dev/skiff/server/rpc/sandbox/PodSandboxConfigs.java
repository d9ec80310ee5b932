package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.LinuxContainerResources;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.runtime.network.PortMapping;
import dev.skiff.runtime.network.Protocol;
import dev.skiff.runtime.pod.DnsConfig;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodId;
import dev.skiff.runtime.pod.PodSpec;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.state.PodMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PodSandboxConfig (CRI) to the runtime's {@link PodSpec}, validating as it goes. */
public final class PodSandboxConfigs {
  /** Kubelet asks for /dev/shm through this annotation in some setups; 64 MiB otherwise, as Docker does. */
  static final String SHM_SIZE_ANNOTATION = "io.kubernetes.cri.shm-size";

  private PodSandboxConfigs() {}

  static PodMetadata metadata(PodSandboxConfig config) {
    CriError.require(config.hasMetadata(), "config.metadata");
    var metadata = config.getMetadata();
    CriError.require(!metadata.getName().isEmpty(), "config.metadata.name");
    CriError.require(!metadata.getNamespace().isEmpty(), "config.metadata.namespace");
    CriError.require(!metadata.getUid().isEmpty(), "config.metadata.uid");
    return new PodMetadata(metadata.getName(), metadata.getUid(), metadata.getNamespace(), metadata.getAttempt());
  }

  static NamespaceOption namespaceOptions(PodSandboxConfig config) {
    return config.getLinux().getSecurityContext().getNamespaceOptions();
  }

  static NamespaceMode mode(dev.skiff.cri.v1.NamespaceMode mode, String field) {
    return switch (mode) {
      case POD -> NamespaceMode.POD;
      case CONTAINER -> NamespaceMode.CONTAINER;
      case NODE -> NamespaceMode.NODE;
      case TARGET -> NamespaceMode.TARGET;
      default -> throw CriError.invalid(field + " has an unknown namespace mode");
    };
  }

  static PodSpec spec(PodId id, PodSandboxConfig config) {
    NamespaceOption options = namespaceOptions(config);
    NamespaceMode network = mode(options.getNetwork(), "namespace_options.network");
    NamespaceMode ipc = mode(options.getIpc(), "namespace_options.ipc");
    NamespaceMode pid = mode(options.getPid(), "namespace_options.pid");
    // A pod's own network and IPC namespaces are pinned; CONTAINER/TARGET mean nothing for a pod-level namespace.
    if (network != NamespaceMode.POD && network != NamespaceMode.NODE) {
      throw CriError.invalid("namespace_options.network " + network + " is not valid for a pod (POD or NODE)");
    }
    if (ipc != NamespaceMode.POD && ipc != NamespaceMode.NODE) {
      throw CriError.invalid("namespace_options.ipc " + ipc + " is not valid for a pod (POD or NODE)");
    }
    UserNamespaceMappings userns = PodUserNamespaces.parse(options);
    DnsConfig dns = config.hasDnsConfig()
        ? new DnsConfig(config.getDnsConfig().getServersList(), config.getDnsConfig().getSearchesList(),
            config.getDnsConfig().getOptionsList())
        : null;
    List<PortMapping> ports = new ArrayList<>();
    for (var port : config.getPortMappingsList()) {
      Protocol protocol = switch (port.getProtocol()) {
        case TCP -> Protocol.TCP;
        case UDP -> Protocol.UDP;
        case SCTP -> Protocol.SCTP;
        default -> throw CriError.invalid("port mapping protocol " + port.getProtocolValue() + " is unknown");
      };
      // Kubelet sends container ports without host ports too; only those with a host port are mapped.
      if (port.getHostPort() == 0) {
        continue;
      }
      ports.add(new PortMapping(protocol, port.getContainerPort(), port.getHostPort(), port.getHostIp()));
    }
    long shm = PodSpec.DEFAULT_SHM_BYTES;
    String shmAnnotation = config.getAnnotationsMap().get(SHM_SIZE_ANNOTATION);
    if (shmAnnotation != null) {
      try {
        shm = Long.parseLong(shmAnnotation);
      } catch (NumberFormatException e) {
        throw CriError.invalid("annotation " + SHM_SIZE_ANNOTATION + " '" + shmAnnotation + "' is not a byte count");
      }
    }
    CgroupLimits limits = limits(config.getLinux().getResources())
        .plusOverhead(limits(config.getLinux().getOverhead()));
    return new PodSpec(id, config.getHostname(), dns, network, ipc, pid, new LinkedHashMap<>(config.getLinux().getSysctlsMap()),
        shm, ports, config.getLinux().getCgroupParent(), limits, userns);
  }

  public static CgroupLimits limits(LinuxContainerResources resources) {
    Map<String, Long> hugepages = new LinkedHashMap<>();
    for (var limit : resources.getHugepageLimitsList()) {
      if (!limit.getPageSize().matches("[0-9]+[KMG]B")) {
        throw CriError.invalid("hugepage_limits page_size '" + limit.getPageSize() + "' is not like 2MB");
      }
      hugepages.put(limit.getPageSize(), limit.getLimit());
    }
    return new CgroupLimits(resources.getCpuPeriod(), resources.getCpuQuota(), resources.getCpuShares(),
        resources.getMemoryLimitInBytes(), resources.getMemorySwapLimitInBytes(), resources.getCpusetCpus(),
        resources.getCpusetMems(), hugepages, resources.getUnifiedMap());
  }
}
