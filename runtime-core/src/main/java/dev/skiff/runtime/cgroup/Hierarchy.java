package dev.skiff.runtime.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy: its mount point, its controllers (empty for the
 * controller-less cgroup2 tree or a named v1 hierarchy), and skiff's root directory in it.
 */
public record Hierarchy(String name, Path mountPoint, Set<String> controllers, boolean v2, Path skiffRoot) {
  public Hierarchy {
    controllers = Set.copyOf(controllers);
  }

  public boolean has(String controller) {
    return controllers.contains(controller);
  }

  /** The directory of cgroup {@code relative} (a path below skiff's root). */
  public Path directory(String relative) {
    return relative.isEmpty() ? skiffRoot : skiffRoot.resolve(relative);
  }
}
