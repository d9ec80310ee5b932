package dev.skiff.server.config;

/**
 * [cgroup]: root is the cgroup path, relative to each hierarchy's mount point, under which
 * skiff creates every pod and container cgroup. The driver is always cgroupfs.
 */
public record CgroupConfig(String root) {
  void validate() {
    ConfigChecks.absolutePath("cgroup.root", root);
    if (root.contains("/../") || root.endsWith("/..")) {
      throw new ConfigException("cgroup.root", "must not contain '..'");
    }
  }
}
