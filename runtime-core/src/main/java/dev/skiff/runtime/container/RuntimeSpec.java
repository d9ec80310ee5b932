package dev.skiff.runtime.container;

import dev.skiff.runtime.cgroup.DeviceRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container fully decided: the content of its OCI config.json and of the shim's launch
 * plan. Built by {@link RuntimeSpecBuilder}; written by {@link OciConfigWriter} and
 * {@link LaunchPlanWriter}, so both files always say the same thing.
 *
 * @param capabilities bounding, effective and permitted set (inheritable stays empty, as in
 *     containerd since CVE-2022-24769)
 * @param extraDevices devices from the CRI config (and, for a privileged container, the
 *     host's), listed in config.json; the defaults ({@link DeviceNode#DEFAULTS}) are implied
 *     there, as for runc, and explicit in the plan
 * @param seccomp the resolved filter; null = unconfined
 * @param deviceRules the device cgroup allowlist, in order (config.json's
 *     linux.resources.devices); the cgroup driver applies it, not the shim
 * @param cgroupFs what /sys/fs/cgroup shows, mounted in a new cgroup namespace; null = no
 *     cgroup mount and the host's cgroup namespace (no cgroup directories known)
 * @param stdin the shim holds the process's stdin for attach clients (not an OCI field: runc
 *     takes stdin from its caller)
 * @param stdinOnce the shim closes that stdin when the first attached client's stdin ends
 */
public record RuntimeSpec(
    List<String> args,
    List<String> env,
    String cwd,
    UserIds user,
    Set<String> capabilities,
    Set<String> ambientCapabilities,
    boolean noNewPrivs,
    SeccompProfile seccomp,
    List<Rlimit> rlimits,
    Integer oomScoreAdj,
    boolean terminal,
    boolean stdin,
    boolean stdinOnce,
    Path rootfs,
    boolean readonlyRootfs,
    String hostname,
    List<OciMount> mounts,
    List<DeviceNode> extraDevices,
    NamespacePaths namespaces,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    Map<String, String> sysctls,
    List<Path> cgroupDirs,
    Path oomCounter,
    Path logPath,
    String rootPropagation,
    List<DeviceRule> deviceRules,
    CgroupFsLayout cgroupFs) {}
