package dev.skiff.runtime.pod;

import dev.skiff.runtime.network.PortMapping;
import dev.skiff.runtime.userns.PodUserNamespace;
import java.util.List;

/**
 * What the kernel side of a pod is, once created: the files a restarted skiffd needs to
 * find and tear it down. A namespace path is null when the pod uses the host's; {@code ip}
 * ("10.88.0.5/16") and {@code hostVeth} are null without a pod network or after stop;
 * {@code userns} is null when the pod uses the host's user namespace (and in records
 * written before skiff knew user namespaces).
 *
 * <p>PID namespace: a pinned PID namespace is impossible without a process in it (the
 * kernel creates it only for the children of the unsharing process). With pid = POD the
 * first container of the pod creates the PID namespace and later containers join it via
 * /proc/PID/ns/pid of that first container; {@code pidMode} records the choice for them.
 */
public record PodSandbox(
    PodId id,
    String directory,
    String netns,
    String ipcns,
    String utsns,
    NamespaceMode pidMode,
    String hostnameFile,
    String hostsFile,
    String resolvConfFile,
    String shmDirectory,
    String cgroup,
    String ip,
    String hostVeth,
    List<PortMapping> portMappings,
    PodUserNamespace userns) {

  public PodSandbox {
    portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
  }

  /** The address without its prefix length, as PodSandboxStatus reports it. */
  public String address() {
    return ip == null ? null : ip.substring(0, ip.indexOf('/'));
  }

  public PodSandbox withoutNetwork() {
    return new PodSandbox(id, directory, netns, ipcns, utsns, pidMode, hostnameFile, hostsFile, resolvConfFile,
        shmDirectory, cgroup, null, null, List.of(), userns);
  }
}
