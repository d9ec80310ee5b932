package dev.skiff.runtime.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pure cgroup v2: one hierarchy. Controllers are enabled level by level through each
 * parent's cgroup.subtree_control, from skiff's root down to the pod's parent.
 */
public final class CgroupV2Driver implements CgroupDriver {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Driver.class);
  static final List<String> WANTED = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");

  private final Hierarchy hierarchy;

  public CgroupV2Driver(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  @Override
  public CgroupMode mode() {
    return CgroupMode.UNIFIED;
  }

  @Override
  public void createRoot() throws CgroupException {
    Path root = hierarchy.skiffRoot();
    CgroupFiles.mkdirs(root);
    // The parent of skiff's root is skiffd's own cgroup or above; it may hold processes (a
    // v2 parent with processes cannot delegate controllers), so failing there only warns.
    try {
      enableControllers(root.getParent());
    } catch (CgroupException e) {
      LOG.warn("Cannot enable controllers above skiff's cgroup root {}: {}", root, e.getMessage());
    }
  }

  @Override
  public void create(String cgroup, CgroupLimits limits) throws CgroupException {
    V2Limits.checkUnifiedKeys(limits.unified());
    Path dir = hierarchy.directory(cgroup);
    Path level = hierarchy.skiffRoot();
    CgroupFiles.mkdirs(level);
    for (Path part : Path.of(cgroup)) {
      enableControllers(level);
      level = level.resolve(part);
      CgroupFiles.mkdirs(level);
    }
    V2Limits.apply(dir, available(dir), limits);
  }

  private void enableControllers(Path dir) throws CgroupException {
    Set<String> available = available(dir);
    Set<String> enabled = new LinkedHashSet<>(List.of(CgroupFiles.read(dir, "cgroup.subtree_control").split("\\s+")));
    List<String> missing = new ArrayList<>();
    for (String controller : WANTED) {
      if (available.contains(controller) && !enabled.contains(controller)) {
        missing.add("+" + controller);
      }
    }
    if (!missing.isEmpty()) {
      CgroupFiles.write(dir, "cgroup.subtree_control", String.join(" ", missing));
    }
  }

  private static Set<String> available(Path dir) throws CgroupException {
    return V2Limits.controllersOf(dir);
  }

  @Override
  public void restrictDevices(String cgroup, List<DeviceRule> rules) throws CgroupException {
    DeviceCgroup.applyV2(hierarchy.directory(cgroup), rules);
  }

  @Override
  public void remove(String cgroup) throws CgroupException {
    CgroupRemoval.removeWithEmptyParents(hierarchy, cgroup);
  }

  @Override
  public void removeLeaf(String cgroup) throws CgroupException {
    CgroupFiles.rmdir(hierarchy.directory(cgroup));
  }

  @Override
  public List<Hierarchy> hierarchies() {
    return List.of(hierarchy);
  }

  @Override
  public List<Path> directories(String cgroup) {
    return List.of(hierarchy.directory(cgroup));
  }

  /**
   * SIGKILLs every process of the cgroup and of its descendants in one write to cgroup.kill
   * (Linux 5.14+; a fork racing the kill cannot escape it), then waits until cgroup.events
   * reports it unpopulated.
   */
  public void kill(String cgroup, Duration timeout) throws CgroupException {
    Path dir = hierarchy.directory(cgroup);
    if (!Files.exists(dir.resolve("cgroup.kill"))) {
      throw new CgroupException("cgroup " + dir + " has no cgroup.kill (kernel older than 5.14)", null, false);
    }
    CgroupFiles.write(dir, "cgroup.kill", "1");
    awaitEvent(dir, "populated", 0, timeout);
  }

  /** Freezes (or thaws) every process of the cgroup and waits until cgroup.events says so. */
  public void freeze(String cgroup, boolean frozen, Duration timeout) throws CgroupException {
    Path dir = hierarchy.directory(cgroup);
    CgroupFiles.write(dir, "cgroup.freeze", frozen ? "1" : "0");
    awaitEvent(dir, "frozen", frozen ? 1 : 0, timeout);
  }

  /** A flat-keyed file ("memory.events", "pids.events", "cpu.stat"...) as key -> value. */
  public Map<String, Long> counters(String cgroup, String file) throws CgroupException {
    return CgroupFiles.flatKeyed(hierarchy.directory(cgroup), file);
  }

  private static void awaitEvent(Path dir, String key, long value, Duration timeout) throws CgroupException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (CgroupFiles.flatKeyed(dir, "cgroup.events").getOrDefault(key, -1L) != value) {
      if (System.nanoTime() > deadline) {
        throw new CgroupException("cgroup " + dir + " did not reach " + key + " " + value + " within "
            + timeout.toMillis() + " ms", null, false);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CgroupException("interrupted waiting for " + key + " " + value + " in " + dir, e, false);
      }
    }
  }
}
