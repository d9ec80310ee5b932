package dev.skiff.runtime.userns;

import dev.skiff.runtime.container.ShimBinary;
import dev.skiff.runtime.linux.FileDescriptors;
import dev.skiff.runtime.linux.IdmappedTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether pods may have user namespaces of their own here, decided once at start: the shim
 * must make one, and the filesystem holding the image layers must take idmapped mounts
 * (Linux 5.12+, and a filesystem that supports them: ext4, xfs, btrfs, tmpfs 6.3+...).
 */
public final class UserNamespaceSupport {
  private static final UserNamespaceMappings PROBE =
      new UserNamespaceMappings(new IdMapping(0, 1000000, 65536), new IdMapping(0, 1000000, 65536));

  private UserNamespaceSupport() {}

  /** Empty when supported, else why not. */
  public static Optional<String> unsupportedReason(Path layersDir) {
    try (UserNamespaceHolder holder = UserNamespaceHolder.start(ShimBinary.locate(), PROBE, List.of())) {
      int userns = FileDescriptors.openReadOnly(holder.namespacePath("user"));
      try {
        FileDescriptors.closeQuietly(IdmappedTrees.open(layersDir.toString(), userns));
      } finally {
        FileDescriptors.closeQuietly(userns);
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of(e.getMessage());
    }
  }
}
