package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host's device nodes, which a privileged container gets in its /dev, as containerd and
 * runc give them: every char and block device under /dev, symlinks left out, and not the
 * directories whose nodes belong to another filesystem instance (pts, shm, mqueue) or to
 * another manager. /dev/console and /dev/ptmx stay the container's own (its terminal, its
 * devpts).
 */
public final class HostDevices {
  private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "mqueue", "fuse", ".lxc", ".lxd-mounts", ".udev");
  private static final Set<String> SKIPPED_NODES = Set.of("console", "ptmx");

  private HostDevices() {}

  /** The nodes under {@code dev}, named as the same path in the container ("/dev/loop0"). */
  public static List<DeviceNode> under(Path dev) throws IOException {
    List<DeviceNode> nodes = new ArrayList<>();
    Files.walkFileTree(dev, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(dev) && SKIPPED_DIRS.contains(dir.getFileName().toString())
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isOther() && !SKIPPED_NODES.contains(file.getFileName().toString())) {
          DeviceNode node = DeviceNode.of(file, Path.of("/dev").resolve(dev.relativize(file)).toString(),
              LinkOption.NOFOLLOW_LINKS);
          if (node != null) {
            nodes.add(node);
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // gone meanwhile (hotplug): not ours to report
      }
    });
    return nodes;
  }
}
