package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** ContainerSpec + the mounted rootfs → {@link RuntimeSpec}, with the defaults containerd applies. */
public final class RuntimeSpecBuilder {
  private RuntimeSpecBuilder() {}

  public static RuntimeSpec build(ContainerSpec spec, Path rootfs, Set<String> hostAllowedCaps)
      throws ContainerException, IOException {
    ProcessRequest process = spec.process();
    SecurityRequest security = spec.security();
    List<String> args = ProcessArgs.resolve(spec.image(), process);
    List<String> env = EnvironmentMerge.merge(spec.image().env(), process.env(), spec.pod().hostname());
    String cwd = firstNonEmpty(process.workingDir(), spec.image().workingDir(), "/");
    if (!cwd.startsWith("/")) {
      throw ContainerException.invalid("working directory '" + cwd + "' is not absolute");
    }
    UserIds user = UserResolver.resolve(rootfs, process, spec.image().user());
    Set<String> caps = Capabilities.effective(security, hostAllowedCaps);
    Set<String> ambient = new LinkedHashSet<>();
    for (String name : security.addAmbientCapabilities()) {
      String canonical = Capabilities.canonical(name);
      if (!caps.contains(canonical)) {
        throw ContainerException.invalid("ambient capability " + canonical + " is not in the container's set");
      }
      ambient.add(canonical);
    }
    boolean privileged = security.privileged();
    List<String> masked = privileged ? List.of() : orDefault(security.maskedPaths(), DefaultPaths.MASKED);
    List<String> readonly = privileged ? List.of() : orDefault(security.readonlyPaths(), DefaultPaths.READONLY);
    CgroupFsLayout cgroupFs = spec.cgroupDirs().isEmpty() ? null
        : CgroupFsLayout.of(spec.cgroupDirs(), CgroupFsLayout.hostCgroupMounts());
    List<OciMount> mounts = mounts(spec, privileged, cgroupFs != null);
    if (mounts.stream().noneMatch(m -> m.type().equals("cgroup"))) {
      cgroupFs = null; // a CRI mount took /sys/fs/cgroup
    }
    BindIdmaps.checkSupported(mounts);
    ContainerDevices devices = ContainerDevices.resolve(spec.devices(), privileged);
    boolean shared = spec.mounts().stream().anyMatch(m -> m.propagation() == MountRequest.Propagation.BIDIRECTIONAL);
    NamespacePaths ns = spec.namespaces();
    String hostname = ns.uts() != null && ns.uts().isEmpty() ? spec.pod().hostname() : null;
    SeccompProfile seccomp = SeccompProfiles.resolve(security.seccomp(), privileged, caps);
    return new RuntimeSpec(args, env, cwd, user, caps, ambient, security.noNewPrivs(), seccomp, spec.rlimits(),
        spec.oomScoreAdj() == null ? null : spec.oomScoreAdj().intValue(), process.tty(), process.stdin(),
        process.stdinOnce(), rootfs,
        security.readonlyRootfs(), hostname, mounts, devices.nodes(), ns, masked, readonly, spec.sysctls(),
        spec.cgroupDirs(), spec.oomCounter(), spec.logPath(), shared ? "rshared" : "rslave", devices.rules(), cgroupFs);
  }

  private static List<OciMount> mounts(ContainerSpec spec, boolean privileged, boolean cgroupFs)
      throws ContainerException {
    List<OciMount> mounts = new ArrayList<>();
    mounts.add(new OciMount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
    mounts.add(new OciMount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
    mounts.add(new OciMount("/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
    if (spec.pod().shmDir() != null) {
      mounts.add(new OciMount("/dev/shm", "bind", spec.pod().shmDir(), List.of("rbind", "rprivate", "rw")));
    } else {
      mounts.add(new OciMount("/dev/shm", "tmpfs", "shm",
          List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
    }
    mounts.add(new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
    mounts.add(new OciMount("/sys", "sysfs", "sysfs",
        privileged ? List.of("nosuid", "noexec", "nodev", "rw") : List.of("nosuid", "noexec", "nodev", "ro")));
    if (cgroupFs) {
      // runc reads this as "the container's cgroups here", in the cgroup namespace the spec asks for.
      mounts.add(new OciMount("/sys/fs/cgroup", "cgroup", "cgroup",
          List.of("nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro")));
    }
    String podFileMode = spec.security().readonlyRootfs() ? "ro" : "rw";
    MountIdmap podFileIdmap = BindIdmaps.podFile(spec.namespaces().user());
    addPodFile(mounts, "/etc/hosts", spec.pod().hostsFile(), podFileMode, podFileIdmap);
    addPodFile(mounts, "/etc/hostname", spec.pod().hostnameFile(), podFileMode, podFileIdmap);
    addPodFile(mounts, "/etc/resolv.conf", spec.pod().resolvConf(), podFileMode, podFileIdmap);
    List<MountRequest> requested = new ArrayList<>(spec.mounts());
    // Parents before children: /data before /data/logs, whatever order the CRI gave.
    requested.sort(Comparator.comparingLong(m -> m.containerPath().chars().filter(c -> c == '/').count()));
    for (MountRequest m : requested) {
      if (m.containerPath() == null || !m.containerPath().startsWith("/")) {
        throw ContainerException.invalid("mount container path '" + m.containerPath() + "' is not absolute");
      }
      if (m.hostPath() == null || !Files.exists(Path.of(m.hostPath()))) {
        throw ContainerException.invalid("mount host path '" + m.hostPath() + "' does not exist");
      }
      String dest = Path.of(m.containerPath()).normalize().toString();
      mounts.removeIf(existing -> existing.destination().equals(dest));
      List<String> options = new ArrayList<>(List.of("rbind", m.propagation().ociOption(), m.readonly() ? "ro" : "rw"));
      if (m.recursiveReadOnly()) {
        options.add("rro");
      }
      mounts.add(new OciMount(dest, "bind", m.hostPath(), options, BindIdmaps.volume(m, spec.namespaces().user())));
    }
    return mounts;
  }

  private static void addPodFile(List<OciMount> mounts, String dest, String source, String mode, MountIdmap idmap) {
    if (source != null) {
      mounts.add(new OciMount(dest, "bind", source, List.of("rbind", "rprivate", mode), idmap));
    }
  }

  private static List<String> orDefault(List<String> given, List<String> defaults) {
    return given == null ? defaults : given;
  }

  private static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
