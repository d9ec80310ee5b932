package dev.skiff.runtime.userns;

import dev.skiff.runtime.container.ShimBinary;
import dev.skiff.runtime.linux.FileDescriptors;
import dev.skiff.runtime.linux.IdmappedTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether pods may have user namespaces of their own here, decided once at start: the shim
 * must make one, and the filesystems holding the image layers and the pods' files (hosts,
 * hostname, resolv.conf, bound into every container) must take idmapped mounts (Linux 5.12+,
 * and a filesystem that supports them: ext4, xfs, btrfs, tmpfs 6.3+...).
 */
public final class UserNamespaceSupport {
  private static final UserNamespaceMappings PROBE =
      new UserNamespaceMappings(new IdMapping(0, 1000000, 65536), new IdMapping(0, 1000000, 65536));

  private UserNamespaceSupport() {}

  /** Empty when supported, else why not. */
  public static Optional<String> unsupportedReason(Path layersDir) {
    return unsupportedReason(List.of(layersDir));
  }

  /** Empty when every one of dirs takes an idmapped mount, else why not (naming the first that does not). */
  public static Optional<String> unsupportedReason(List<Path> dirs) {
    try (UserNamespaceHolder holder = UserNamespaceHolder.start(ShimBinary.locate(), PROBE, List.of())) {
      int userns = FileDescriptors.openReadOnly(holder.namespacePath("user"));
      try {
        for (Path dir : dirs) {
          FileDescriptors.closeQuietly(IdmappedTrees.open(dir.toString(), userns));
        }
      } finally {
        FileDescriptors.closeQuietly(userns);
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of(e.getMessage());
    }
  }
}
