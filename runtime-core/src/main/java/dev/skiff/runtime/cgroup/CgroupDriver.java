package dev.skiff.runtime.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * Creates, limits and removes cgroups below skiff's root. A cgroup is named by a path
 * relative to that root ("kubepods/pod-3f2a…"), the same in every hierarchy.
 */
public interface CgroupDriver {
  CgroupMode mode();

  /** Creates the cgroup (and missing parents) in every hierarchy and applies the limits. */
  void create(String cgroup, CgroupLimits limits) throws CgroupException;

  /**
   * Removes the cgroup from every hierarchy, then each parent below skiff's root that is
   * left empty. A cgroup already gone is fine; one that still holds processes is an error.
   */
  void remove(String cgroup) throws CgroupException;

  /**
   * Removes only this cgroup (a container's, below its pod's), never its parents. Gone is
   * fine; one that still holds processes is an error.
   */
  void removeLeaf(String cgroup) throws CgroupException;

  /**
   * Lets the cgroup's processes open and create only the devices these rules allow (in order,
   * later ones override earlier ones): v1 devices.deny/devices.allow, v2 a device BPF program.
   * Done once, before the first process joins; the rules go away with the cgroup.
   */
  void restrictDevices(String cgroup, List<DeviceRule> rules) throws CgroupException;

  /** The cgroup's directory in each hierarchy, for leak checks and verbose status. */
  List<Path> directories(String cgroup);

  /** The mounted hierarchies this driver writes, for the stats readers to pick each figure's source. */
  List<Hierarchy> hierarchies();

  /** Creates skiff's own root in every hierarchy (once, at start). */
  void createRoot() throws CgroupException;
}
