package dev.skiff.server.config;

/**
 * [cgroup]: root is where skiff creates every pod and container cgroup, in each mounted
 * hierarchy. An absolute path ("/skiff") is taken from each hierarchy's mount point, as
 * containerd's cgroup_parent is; a relative path ("skiff-test") is taken from the cgroup
 * skiffd itself runs in, per hierarchy, which keeps a test's cgroups inside the test's own
 * (on hybrid hosts a process can sit at a different path in each v1 hierarchy). The driver
 * is always cgroupfs.
 */
public record CgroupConfig(String root) {
  void validate() {
    if (root == null || root.isEmpty()) {
      throw new ConfigException("cgroup.root", "must be set");
    }
    for (String part : root.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw new ConfigException("cgroup.root", "must not contain '.' or '..' components");
      }
    }
  }

  public boolean relativeToOwnCgroup() {
    return !root.startsWith("/");
  }
}
