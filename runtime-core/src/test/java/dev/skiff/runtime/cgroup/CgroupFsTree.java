package dev.skiff.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temp directory laid out like /sys/fs/cgroup, with mountinfo and /proc/self/cgroup files describing it. */
final class CgroupFsTree {
  final Path root;
  final Path mountinfo;
  final Path selfCgroup;

  private CgroupFsTree(Path root) {
    this.root = root;
    this.mountinfo = root.resolve("mountinfo");
    this.selfCgroup = root.resolve("self-cgroup");
  }

  /** This machine's layout: v1 controllers, name=systemd, and cgroup2 at unified (with hugetlb). */
  static CgroupFsTree hybrid(Path tmp) throws IOException {
    CgroupFsTree tree = new CgroupFsTree(tmp);
    Path fs = tmp.resolve("fs");
    StringBuilder mounts = new StringBuilder();
    int id = 32;
    for (String controller : new String[] {"cpu", "cpuacct", "cpuset", "memory", "pids"}) {
      Files.createDirectories(fs.resolve(controller));
      mounts.append(id++).append(" 31 0:").append(id).append(" / ").append(fs.resolve(controller))
          .append(" rw,relatime - cgroup cgroup rw,").append(controller).append('\n');
    }
    Files.writeString(fs.resolve("cpuset/cpuset.cpus"), "0-1\n");
    Files.writeString(fs.resolve("cpuset/cpuset.mems"), "0\n");
    Files.createDirectories(fs.resolve("memory/job/abc"));
    Files.writeString(fs.resolve("memory/job/abc/memory.limit_in_bytes"), "9223372036854771712\n");
    Files.createDirectories(fs.resolve("systemd"));
    mounts.append("40 31 0:40 / ").append(fs.resolve("systemd")).append(" rw - cgroup cgroup rw,xattr,name=systemd\n");
    Files.createDirectories(fs.resolve("unified"));
    Files.writeString(fs.resolve("unified/cgroup.controllers"), "hugetlb\n");
    mounts.append("41 31 0:41 / ").append(fs.resolve("unified")).append(" rw - cgroup2 cgroup2 rw\n");
    mounts.append("22 1 0:21 / /proc rw - proc proc rw\n");
    Files.writeString(tree.mountinfo, mounts.toString());
    Files.writeString(tree.selfCgroup, "9:name=systemd:/\n8:pids:/\n4:memory:/job/abc\n3:cpuset:/\n2:cpuacct:/\n"
        + "1:cpu:/\n0::/\n");
    return tree;
  }

  /** A pure cgroup v2 host where the caller sits in /ci.slice/job (a leaf) below a delegating parent. */
  static CgroupFsTree unified(Path tmp) throws IOException {
    CgroupFsTree tree = new CgroupFsTree(tmp);
    Path fs = tmp.resolve("fs");
    Path job = fs.resolve("ci.slice/job");
    Files.createDirectories(job);
    Files.writeString(fs.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    Files.writeString(fs.resolve("ci.slice/cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
    Files.writeString(job.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
    Files.writeString(job.resolve("cgroup.subtree_control"), "\n");
    Files.writeString(tree.mountinfo, "30 23 0:26 / " + fs + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
    Files.writeString(tree.selfCgroup, "0::/ci.slice\n");
    return tree;
  }

  Path fs(String relative) {
    return root.resolve("fs").resolve(relative);
  }
}
