package dev.skiff.runtime.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link RuntimeSpec} as the shim's launch plan (the format is described in
 * src/main/c/plan.h): the same decisions as config.json with names already turned into
 * numbers, so the C side needs no JSON parser.
 */
public final class LaunchPlanWriter {
  public static final String HEADER = "skiff-plan 1";

  private LaunchPlanWriter() {}

  public static String toText(RuntimeSpec spec) {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    spec.args().forEach(a -> line(out, "arg", a));
    spec.env().forEach(e -> line(out, "env", e));
    line(out, "cwd", spec.cwd());
    line(out, "user", Long.toString(spec.user().uid()), Long.toString(spec.user().gid()));
    spec.user().additionalGids().forEach(g -> line(out, "group", Long.toString(g)));
    if (spec.hostname() != null) {
      line(out, "hostname", spec.hostname());
    }
    namespaces(out, spec.namespaces());
    if (spec.cgroupFs() != null) {
      // Unshared by the container once it is in its cgroups (container.c), so they are its root.
      line(out, "namespace", "cgroup", "");
    }
    spec.cgroupDirs().forEach(dir -> line(out, "cgroup", dir.toString()));
    if (spec.oomCounter() != null) {
      line(out, "oom_counter", spec.oomCounter().toString());
    }
    line(out, "rootfs", spec.rootfs().toString());
    if (spec.readonlyRootfs()) {
      line(out, "readonly_rootfs");
    }
    line(out, "root_propagation", hex(MountOptions.parse(List.of(spec.rootPropagation())).propagation()));
    for (OciMount m : spec.mounts()) {
      MountOptions o = MountOptions.parse(m.options());
      if (m.type().equals("cgroup") && spec.cgroupFs() != null) {
        cgroupFs(out, spec.cgroupFs(), o.flags());
        continue;
      }
      line(out, "mount", m.destination(), m.type(), m.source(), hex(o.flags()), hex(o.propagation()),
          o.recursiveReadOnly() ? "1" : "0", o.data());
      if (m.idmap() != null) {
        line(out, "mount_idmap", m.idmap().usernsPath());
      }
    }
    List<DeviceNode> devices = new ArrayList<>(DeviceNode.DEFAULTS);
    devices.addAll(spec.extraDevices());
    for (DeviceNode d : devices) {
      line(out, "device", d.path(), String.valueOf(d.type()), Long.toString(d.major()), Long.toString(d.minor()),
          "0" + Integer.toOctalString(d.fileMode()), Long.toString(d.uid()), Long.toString(d.gid()));
    }
    spec.maskedPaths().forEach(p -> line(out, "masked", p));
    spec.readonlyPaths().forEach(p -> line(out, "readonly_path", p));
    for (Map.Entry<String, String> e : spec.sysctls().entrySet()) {
      line(out, "sysctl", e.getKey(), e.getValue());
    }
    String caps = hex(Capabilities.mask(spec.capabilities()));
    line(out, "caps", "bounding", caps);
    line(out, "caps", "effective", caps);
    line(out, "caps", "permitted", caps);
    line(out, "caps", "inheritable", hex(Capabilities.mask(spec.ambientCapabilities())));
    line(out, "caps", "ambient", hex(Capabilities.mask(spec.ambientCapabilities())));
    if (spec.noNewPrivs()) {
      line(out, "no_new_privs");
    }
    if (spec.seccomp() != null) {
      seccomp(out, spec.seccomp());
    }
    for (Rlimit r : spec.rlimits()) {
      line(out, "rlimit", r.type(), Long.toUnsignedString(r.soft()), Long.toUnsignedString(r.hard()));
    }
    if (spec.oomScoreAdj() != null) {
      line(out, "oom_score_adj", Integer.toString(spec.oomScoreAdj()));
    }
    if (spec.terminal()) {
      line(out, "terminal");
    }
    if (spec.stdin()) {
      line(out, "stdin");
      if (spec.stdinOnce()) {
        line(out, "stdin_once");
      }
    }
    if (spec.logPath() != null) {
      line(out, "log", spec.logPath().toString());
    }
    return out.toString();
  }

  static String seccompLines(SeccompProfile profile) {
    StringBuilder out = new StringBuilder();
    seccomp(out, profile);
    return out.toString();
  }

  private static void seccomp(StringBuilder out, SeccompProfile profile) {
    line(out, "seccomp_default", profile.defaultAction().name(), Integer.toString(profile.defaultValue()));
    for (String arch : profile.architectures()) {
      // libseccomp's names: SCMP_ARCH_X86_64 → x86_64
      line(out, "seccomp_arch", arch.replaceFirst("^SCMP_ARCH_", "").toLowerCase(java.util.Locale.ROOT));
    }
    for (SeccompProfile.Rule rule : profile.rules()) {
      List<String> fields = new ArrayList<>(List.of(rule.syscall(), rule.action().name(), Integer.toString(rule.value())));
      for (SeccompProfile.Arg a : rule.args()) {
        fields.add(a.index() + " " + a.op() + " " + Long.toUnsignedString(a.value()) + " "
            + Long.toUnsignedString(a.valueTwo()));
      }
      line(out, "seccomp_syscall", fields.toArray(String[]::new));
    }
  }

  /** The cgroup mount as the shim makes it (src/main/c/cgroupfs.h), not as one mount(2). */
  private static void cgroupFs(StringBuilder out, CgroupFsLayout layout, long flags) {
    line(out, "cgroupfs", layout.unified() ? "unified" : "tmpfs", hex(flags));
    for (CgroupFsLayout.Mount m : layout.mounts()) {
      line(out, "cgroupfs_mount", m.name(), m.fsType(), m.data());
    }
    for (CgroupFsLayout.Link l : layout.links()) {
      line(out, "cgroupfs_link", l.name(), l.target());
    }
  }

  private static void namespaces(StringBuilder out, NamespacePaths ns) {
    switch (ns.pidMode()) {
      case CONTAINER -> line(out, "namespace", "pid", "");
      case JOIN -> line(out, "namespace", "pid", ns.pidPath());
      case NODE -> { }
    }
    namespace(out, "net", ns.net());
    namespace(out, "ipc", ns.ipc());
    namespace(out, "uts", ns.uts());
    if (ns.user() != null) {
      line(out, "namespace", "user", ns.user().path());
    }
  }

  private static void namespace(StringBuilder out, String kind, String path) {
    if (path != null) {
      line(out, "namespace", kind, path);
    }
  }

  private static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  private static void line(StringBuilder out, String key, String... fields) {
    out.append(key);
    for (String field : fields) {
      out.append('\t').append(escape(field));
    }
    out.append('\n');
  }

  static String escape(String field) {
    StringBuilder s = new StringBuilder(field.length());
    for (char c : field.toCharArray()) {
      switch (c) {
        case '\\' -> s.append("\\\\");
        case '\t' -> s.append("\\t");
        case '\n' -> s.append("\\n");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /** For the plan's users that need a path, e.g. the bundle's. */
  static Path planPath(Path bundle) {
    return bundle.resolve("shim-plan");
  }
}
