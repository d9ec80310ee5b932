package dev.skiff.runtime.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the CRI layer decides about one container, before it is turned into an OCI
 * runtime spec: the CRI ContainerConfig parts, the image's defaults, the pod's namespaces
 * and files, the container's cgroup and log path. No protobuf here.
 *
 * @param cgroupDirs the container's cgroup directories (one per hierarchy on v1/hybrid
 *     hosts, one on v2); the process is placed in each {@code cgroup.procs}
 * @param oomCounter memory.events (v2) or memory.oom_control (v1) of the container, whose
 *     oom_kill count tells whether the kernel OOM-killed in it; null when unknown
 */
public record ContainerSpec(
    String id,
    ProcessRequest process,
    ImageDefaults image,
    List<MountRequest> mounts,
    List<DeviceRequest> devices,
    SecurityRequest security,
    NamespacePaths namespaces,
    PodFiles pod,
    List<Path> cgroupDirs,
    Path oomCounter,
    List<Rlimit> rlimits,
    Long oomScoreAdj,
    Map<String, String> sysctls,
    Path logPath) {

  public ContainerSpec {
    if (id == null || !id.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("container id '" + id + "' is not a valid id");
    }
    image = image == null ? ImageDefaults.none() : image;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    devices = devices == null ? List.of() : List.copyOf(devices);
    security = security == null ? SecurityRequest.defaults() : security;
    namespaces = namespaces == null ? NamespacePaths.privateToContainer() : namespaces;
    pod = pod == null ? PodFiles.none() : pod;
    cgroupDirs = cgroupDirs == null ? List.of() : List.copyOf(cgroupDirs);
    rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
  }
}
