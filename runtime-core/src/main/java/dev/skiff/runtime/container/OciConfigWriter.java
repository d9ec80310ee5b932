package dev.skiff.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.runtime.cgroup.DeviceRule;
import dev.skiff.runtime.userns.IdMapping;
import java.util.Collection;
import java.util.Map;

/**
 * {@link RuntimeSpec} as an OCI runtime-spec 1.1 config.json, complete enough that runc or
 * crun could run the same bundle.
 */
public final class OciConfigWriter {
  public static final String OCI_VERSION = "1.1.0";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OciConfigWriter() {}

  public static byte[] toJson(RuntimeSpec spec) {
    try {
      return JSON.writeValueAsBytes(tree(spec));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the OCI spec", e);
    }
  }

  public static ObjectNode tree(RuntimeSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", OCI_VERSION);
    root.set("process", process(spec));
    ObjectNode rootfs = root.putObject("root");
    rootfs.put("path", "rootfs");
    rootfs.put("readonly", spec.readonlyRootfs());
    if (spec.hostname() != null) {
      root.put("hostname", spec.hostname());
    }
    ArrayNode mounts = root.putArray("mounts");
    for (OciMount m : spec.mounts()) {
      ObjectNode node = mounts.addObject();
      node.put("destination", m.destination());
      node.put("type", m.type());
      node.put("source", m.source());
      strings(node.putArray("options"), m.options());
      if (m.idmap() != null) {
        idmappedMount(node, m);
      }
    }
    root.set("linux", linux(spec));
    return root;
  }

  private static ObjectNode process(RuntimeSpec spec) {
    ObjectNode process = JSON.createObjectNode();
    process.put("terminal", spec.terminal());
    ObjectNode user = process.putObject("user");
    user.put("uid", spec.user().uid());
    user.put("gid", spec.user().gid());
    ArrayNode groups = user.putArray("additionalGids");
    spec.user().additionalGids().forEach(groups::add);
    strings(process.putArray("args"), spec.args());
    strings(process.putArray("env"), spec.env());
    process.put("cwd", spec.cwd());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : new String[] {"bounding", "effective", "permitted"}) {
      strings(caps.putArray(set), spec.capabilities());
    }
    // Ambient capabilities must also be inheritable; nothing else is (CVE-2022-24769).
    strings(caps.putArray("inheritable"), spec.ambientCapabilities());
    strings(caps.putArray("ambient"), spec.ambientCapabilities());
    ArrayNode rlimits = process.putArray("rlimits");
    for (Rlimit r : spec.rlimits()) {
      ObjectNode node = rlimits.addObject();
      node.put("type", r.type());
      node.put("hard", r.hard());
      node.put("soft", r.soft());
    }
    process.put("noNewPrivileges", spec.noNewPrivs());
    if (spec.oomScoreAdj() != null) {
      process.put("oomScoreAdj", spec.oomScoreAdj());
    }
    return process;
  }

  private static ObjectNode linux(RuntimeSpec spec) {
    ObjectNode linux = JSON.createObjectNode();
    ArrayNode namespaces = linux.putArray("namespaces");
    NamespacePaths ns = spec.namespaces();
    switch (ns.pidMode()) {
      case CONTAINER -> namespace(namespaces, "pid", "");
      case JOIN -> namespace(namespaces, "pid", ns.pidPath());
      case NODE -> { }
    }
    namespace(namespaces, "network", ns.net());
    namespace(namespaces, "ipc", ns.ipc());
    namespace(namespaces, "uts", ns.uts());
    namespace(namespaces, "mount", "");
    if (spec.cgroupFs() != null) {
      namespace(namespaces, "cgroup", "");
    }
    if (ns.user() != null) {
      namespace(namespaces, "user", ns.user().path());
      idMapping(linux.putArray("uidMappings"), ns.user().mappings().uids());
      idMapping(linux.putArray("gidMappings"), ns.user().mappings().gids());
    }
    ArrayNode devices = linux.putArray("devices");
    for (DeviceNode d : spec.extraDevices()) {
      ObjectNode node = devices.addObject();
      node.put("path", d.path());
      node.put("type", String.valueOf(d.type()));
      node.put("major", d.major());
      node.put("minor", d.minor());
      node.put("fileMode", d.fileMode());
      node.put("uid", d.uid());
      node.put("gid", d.gid());
    }
    ArrayNode deviceRules = linux.putObject("resources").putArray("devices");
    for (DeviceRule rule : spec.deviceRules()) {
      ObjectNode node = deviceRules.addObject();
      node.put("allow", rule.allow());
      if (rule.type() != 'a') {
        node.put("type", String.valueOf(rule.type()));
      }
      if (rule.major() != DeviceRule.ANY) {
        node.put("major", rule.major());
      }
      if (rule.minor() != DeviceRule.ANY) {
        node.put("minor", rule.minor());
      }
      node.put("access", rule.access());
    }
    if (!spec.cgroupDirs().isEmpty()) {
      // OCI wants one path relative to the hierarchies' roots; the shim's plan has them all.
      linux.put("cgroupsPath", relativeCgroupPath(spec.cgroupDirs().get(0).toString()));
    }
    ObjectNode sysctl = linux.putObject("sysctl");
    for (Map.Entry<String, String> e : spec.sysctls().entrySet()) {
      sysctl.put(e.getKey(), e.getValue());
    }
    strings(linux.putArray("maskedPaths"), spec.maskedPaths());
    strings(linux.putArray("readonlyPaths"), spec.readonlyPaths());
    linux.put("rootfsPropagation", spec.rootPropagation());
    if (spec.seccomp() != null) {
      linux.set("seccomp", seccomp(spec.seccomp()));
    }
    return linux;
  }

  private static ObjectNode seccomp(SeccompProfile profile) {
    ObjectNode node = JSON.createObjectNode();
    node.put("defaultAction", profile.defaultAction().ociName());
    if (profile.defaultAction() == SeccompAction.ERRNO) {
      node.put("defaultErrnoRet", profile.defaultValue());
    }
    strings(node.putArray("architectures"), profile.architectures());
    ArrayNode syscalls = node.putArray("syscalls");
    for (SeccompProfile.Rule rule : profile.rules()) {
      ObjectNode call = syscalls.addObject();
      call.putArray("names").add(rule.syscall());
      call.put("action", rule.action().ociName());
      if (rule.action() == SeccompAction.ERRNO) {
        call.put("errnoRet", rule.value());
      }
      if (!rule.args().isEmpty()) {
        ArrayNode args = call.putArray("args");
        for (SeccompProfile.Arg a : rule.args()) {
          args.addObject().put("index", a.index())
              .put("value", new java.math.BigInteger(Long.toUnsignedString(a.value())))
              .put("valueTwo", new java.math.BigInteger(Long.toUnsignedString(a.valueTwo())))
              .put("op", "SCMP_CMP_" + a.op());
        }
      }
    }
    return node;
  }

  /** The cgroup directory relative to the cgroup filesystem mounted above it: "/a/b". */
  static String relativeCgroupPath(String dir) {
    String best = "";
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        boolean cgroupfs = f.length > 2 && (f[2].equals("cgroup") || f[2].equals("cgroup2"));
        if (cgroupfs && dir.startsWith(f[1] + "/") && f[1].length() > best.length()) {
          best = f[1];
        }
      }
    } catch (java.io.IOException e) {
      return dir;
    }
    return best.isEmpty() ? dir : dir.substring(best.length());
  }

  /** runtime-spec 1.2: the mount's own mappings and "ridmap" (idmap the rbind's submounts too). */
  private static void idmappedMount(ObjectNode node, OciMount m) {
    ((ArrayNode) node.get("options")).add(m.options().contains("rbind") ? "ridmap" : "idmap");
    idMapping(node.putArray("uidMappings"), m.idmap().mappings().uids());
    idMapping(node.putArray("gidMappings"), m.idmap().mappings().gids());
  }

  private static void idMapping(ArrayNode mappings, IdMapping mapping) {
    ObjectNode node = mappings.addObject();
    node.put("containerID", mapping.containerId());
    node.put("hostID", mapping.hostId());
    node.put("size", mapping.length());
  }

  private static void namespace(ArrayNode namespaces, String type, String path) {
    if (path == null) {
      return;
    }
    ObjectNode node = namespaces.addObject();
    node.put("type", type);
    if (!path.isEmpty()) {
      node.put("path", path);
    }
  }

  private static void strings(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }
}
