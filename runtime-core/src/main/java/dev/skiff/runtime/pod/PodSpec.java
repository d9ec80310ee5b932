package dev.skiff.runtime.pod;

import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.runtime.network.PortMapping;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.util.List;
import java.util.Map;

/**
 * What a pod sandbox needs from the kernel. {@code dns} null means "copy the host's
 * resolv.conf"; {@code cgroupParent} is relative to skiff's cgroup root ("" for none);
 * {@code userns} null means the host's user namespace.
 */
public record PodSpec(
    PodId id,
    String hostname,
    DnsConfig dns,
    NamespaceMode network,
    NamespaceMode ipc,
    NamespaceMode pid,
    Map<String, String> sysctls,
    long shmSizeBytes,
    List<PortMapping> portMappings,
    String cgroupParent,
    CgroupLimits limits,
    UserNamespaceMappings userns) {

  public static final long DEFAULT_SHM_BYTES = 64L * 1024 * 1024;

  public PodSpec {
    sysctls = Map.copyOf(sysctls);
    portMappings = List.copyOf(portMappings);
  }

  public boolean privateNetwork() {
    return network != NamespaceMode.NODE;
  }

  public boolean privateIpc() {
    return ipc != NamespaceMode.NODE;
  }

  /** Kubernetes gives a host-network pod the node's hostname, so UTS follows the network mode. */
  public boolean privateUts() {
    return privateNetwork();
  }
}
