package dev.skiff.runtime.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;

/** Removing a cgroup and the parents below skiff's root that it leaves empty. */
final class CgroupRemoval {
  private CgroupRemoval() {}

  static void removeWithEmptyParents(Hierarchy hierarchy, String cgroup) throws CgroupException {
    Path dir = hierarchy.directory(cgroup);
    CgroupFiles.rmdir(dir);
    Path parent = dir.getParent();
    while (parent != null && parent.startsWith(hierarchy.skiffRoot()) && !parent.equals(hierarchy.skiffRoot())) {
      if (!Files.isDirectory(parent) || hasChildCgroup(parent)) {
        return;
      }
      try {
        CgroupFiles.rmdir(parent);
      } catch (CgroupException e) {
        return;   // another pod's cgroup or a process moved in meanwhile: the parent stays
      }
      parent = parent.getParent();
    }
  }

  private static boolean hasChildCgroup(Path dir) {
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(Files::isDirectory);
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
