package dev.skiff.runtime.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v1 (legacy and hybrid hosts): the cgroup is created in every mounted hierarchy,
 * named ones (name=systemd) and the controller-less cgroup2 tree of a hybrid host
 * included, as runc does, so a process later joins all of them. Controllers that a hybrid
 * host binds to its cgroup2 tree (hugetlb on this machine) get their v2 files there.
 */
public final class CgroupV1Driver implements CgroupDriver {
  private final CgroupMode mode;
  private final List<Hierarchy> hierarchies;

  public CgroupV1Driver(CgroupMode mode, List<Hierarchy> hierarchies) {
    this.mode = mode;
    this.hierarchies = List.copyOf(hierarchies);
  }

  @Override
  public CgroupMode mode() {
    return mode;
  }

  @Override
  public void createRoot() throws CgroupException {
    for (Hierarchy hierarchy : hierarchies) {
      createLevels(hierarchy, "");
    }
  }

  @Override
  public void create(String cgroup, CgroupLimits limits) throws CgroupException {
    if (!limits.unified().isEmpty()) {
      throw CgroupException.invalid("unified cgroup settings " + limits.unified().keySet()
          + " need cgroup v2; this host's controllers are on cgroup v1");
    }
    for (Hierarchy hierarchy : hierarchies) {
      createLevels(hierarchy, cgroup);
      Path dir = hierarchy.directory(cgroup);
      if (hierarchy.v2()) {
        V2Limits.apply(dir, V2Limits.controllersOf(dir), limits);
      } else {
        applyV1(hierarchy, dir, limits);
      }
    }
  }

  /** Creates each missing level; a new cpuset cgroup is empty and must copy its parent's cpus and mems. */
  private static void createLevels(Hierarchy hierarchy, String cgroup) throws CgroupException {
    Path level = hierarchy.mountPoint();
    Path target = hierarchy.directory(cgroup);
    for (Path part : hierarchy.mountPoint().relativize(target)) {
      Path parent = level;
      level = level.resolve(part);
      if (!java.nio.file.Files.isDirectory(level)) {
        CgroupFiles.mkdirs(level);
        if (hierarchy.has("cpuset")) {
          for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            if (!java.nio.file.Files.exists(level.resolve(file)) || CgroupFiles.read(level, file).isEmpty()) {
              CgroupFiles.write(level, file, CgroupFiles.read(parent, file));
            }
          }
        }
      }
    }
  }

  private static void applyV1(Hierarchy hierarchy, Path dir, CgroupLimits limits) throws CgroupException {
    if (hierarchy.has("cpu")) {
      if (limits.cpuShares() > 0) {
        CgroupFiles.write(dir, "cpu.shares", Long.toString(limits.cpuShares()));
      }
      if (limits.cpuPeriod() > 0) {
        CgroupFiles.write(dir, "cpu.cfs_period_us", Long.toString(limits.cpuPeriod()));
      }
      if (limits.cpuQuota() > 0) {
        CgroupFiles.write(dir, "cpu.cfs_quota_us", Long.toString(limits.cpuQuota()));
      }
    }
    if (hierarchy.has("memory")) {
      if (limits.memoryLimitBytes() > 0) {
        CgroupFiles.write(dir, "memory.limit_in_bytes", Long.toString(limits.memoryLimitBytes()));
      }
      // memsw exists only with swap accounting on; without it there is no swap limit to set.
      if (limits.memorySwapLimitBytes() != 0 && java.nio.file.Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
        CgroupFiles.write(dir, "memory.memsw.limit_in_bytes", Long.toString(limits.memorySwapLimitBytes()));
      }
    }
    if (hierarchy.has("cpuset")) {
      if (!limits.cpusetCpus().isEmpty()) {
        CgroupFiles.write(dir, "cpuset.cpus", limits.cpusetCpus());
      }
      if (!limits.cpusetMems().isEmpty()) {
        CgroupFiles.write(dir, "cpuset.mems", limits.cpusetMems());
      }
    }
    if (hierarchy.has("hugetlb")) {
      for (var limit : limits.hugepageLimits().entrySet()) {
        CgroupFiles.write(dir, "hugetlb." + limit.getKey() + ".limit_in_bytes", Long.toString(limit.getValue()));
      }
    }
  }

  /**
   * The devices hierarchy's files. A host without one (or a hybrid host whose devices
   * controller moved to cgroup2) gets the v2 program on the cgroup2 tree instead.
   */
  @Override
  public void restrictDevices(String cgroup, List<DeviceRule> rules) throws CgroupException {
    for (Hierarchy hierarchy : hierarchies) {
      if (hierarchy.has("devices")) {
        DeviceCgroup.applyV1(hierarchy.directory(cgroup), rules);
        return;
      }
    }
    for (Hierarchy hierarchy : hierarchies) {
      if (hierarchy.v2()) {
        DeviceCgroup.applyV2(hierarchy.directory(cgroup), rules);
        return;
      }
    }
    throw new CgroupException("cannot restrict devices of cgroup " + cgroup
        + ": this host mounts neither a devices hierarchy nor cgroup2", null, false);
  }

  @Override
  public void remove(String cgroup) throws CgroupException {
    CgroupException first = null;
    for (Hierarchy hierarchy : hierarchies) {
      try {
        CgroupRemoval.removeWithEmptyParents(hierarchy, cgroup);
      } catch (CgroupException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void removeLeaf(String cgroup) throws CgroupException {
    CgroupException first = null;
    for (Hierarchy hierarchy : hierarchies) {
      try {
        CgroupFiles.rmdir(hierarchy.directory(cgroup));
      } catch (CgroupException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public List<Hierarchy> hierarchies() {
    return hierarchies;
  }

  @Override
  public List<Path> directories(String cgroup) {
    List<Path> dirs = new ArrayList<>();
    for (Hierarchy hierarchy : hierarchies) {
      dirs.add(hierarchy.directory(cgroup));
    }
    return dirs;
  }
}
