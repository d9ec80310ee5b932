package dev.skiff.runtime.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
  public void remove(String cgroup) throws CgroupException {
    CgroupRemoval.removeWithEmptyParents(hierarchy, cgroup);
  }

  @Override
  public void removeLeaf(String cgroup) throws CgroupException {
    CgroupFiles.rmdir(hierarchy.directory(cgroup));
  }

  @Override
  public List<Path> directories(String cgroup) {
    return List.of(hierarchy.directory(cgroup));
  }
}
