package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The container's changes to its image: the OverlayFS upper directory as rootfs-diff.tar
 * (names relative to /, owners, modes, times, symlinks, hard links, device nodes), and the
 * files it deleted (overlay whiteouts: 0/0 character devices) as a list for deleted.files,
 * as CRI-O and Podman lay them out. Mount points the runtime made (/dev, /proc, /sys, /run,
 * the bind destinations) are left out as CRI-O leaves them out; what is below them in the
 * upper directory is the container's and stays. An opaque directory (the container removed
 * a lower directory and made it again) is written as the directory with its new content; the
 * lower entries it hides are not listed in deleted.files.
 */
final class RootfsDiff {
  static final Set<String> RUNTIME_MOUNT_POINTS =
      Set.of("/dev", "/dev/shm", "/proc", "/run", "/run/.containerenv", "/run/secrets", "/sys");

  private RootfsDiff() {}

  /**
   * Writes upper's content to tar and returns the deleted paths ("/etc/motd").
   *
   * @param skipped container paths left out (bind destinations), besides the runtime's mount points
   */
  static List<String> write(Path upper, Set<String> skipped, Path tar, Deadline deadline)
      throws IOException, CheckpointException {
    List<String> deleted = new ArrayList<>();
    Map<Object, String> linkTargets = new HashMap<>();
    try (OutputStream file = Files.newOutputStream(tar);
         TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      CheckpointException[] expired = new CheckpointException[1];
      Files.walkFileTree(upper, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          if (dir.equals(upper)) {
            return FileVisitResult.CONTINUE;
          }
          if (deadline.passed()) {
            expired[0] = deadline.expired("writing rootfs-diff.tar");
            return FileVisitResult.TERMINATE;
          }
          String path = containerPath(upper, dir);
          if (!isSkipped(path, skipped)) {
            add(out, dir, path, linkTargets, deleted);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path entry, BasicFileAttributes attrs) throws IOException {
          String path = containerPath(upper, entry);
          if (!isSkipped(path, skipped)) {
            add(out, entry, path, linkTargets, deleted);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path entry, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // removed by the running container meanwhile
          }
          throw e;
        }
      });
      if (expired[0] != null) {
        throw expired[0];
      }
      out.finish();
    }
    return deleted;
  }

  static boolean isSkipped(String path, Set<String> skipped) {
    return RUNTIME_MOUNT_POINTS.contains(path) || skipped.contains(path);
  }

  private static String containerPath(Path upper, Path entry) {
    return "/" + upper.relativize(entry).toString();
  }

  private static void add(TarArchiveOutputStream out, Path entry, String path, Map<Object, String> linkTargets,
      List<String> deleted) throws IOException {
    Map<String, Object> unix;
    try {
      unix = Files.readAttributes(entry, "unix:mode,uid,gid,rdev,ino,dev,nlink,lastModifiedTime,size",
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return;
    }
    int mode = (Integer) unix.get("mode");
    int type = mode & 0170000;
    long rdev = (Long) unix.get("rdev");
    String name = path.substring(1);
    if (type == 0020000 && rdev == 0) {
      deleted.add(path); // an overlay whiteout
      return;
    }
    TarArchiveEntry tar;
    boolean withContent = false;
    switch (type) {
      case 0040000 -> tar = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
      case 0120000 -> {
        tar = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        tar.setLinkName(Files.readSymbolicLink(entry).toString());
      }
      case 0020000, 0060000, 0010000 -> {
        tar = new TarArchiveEntry(name, type == 0020000 ? TarConstants.LF_CHR
            : type == 0060000 ? TarConstants.LF_BLK : TarConstants.LF_FIFO);
        // glibc's dev_t layout (gnu_dev_major/gnu_dev_minor).
        tar.setDevMajor((int) (((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L)));
        tar.setDevMinor((int) ((rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L)));
      }
      case 0100000 -> {
        Object inode = List.of(unix.get("dev"), unix.get("ino"));
        String first = (Integer) unix.get("nlink") > 1 ? linkTargets.putIfAbsent(inode, name) : null;
        if (first != null) {
          tar = new TarArchiveEntry(name, TarConstants.LF_LINK);
          tar.setLinkName(first);
        } else {
          tar = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
          tar.setSize((Long) unix.get("size"));
          withContent = true;
        }
      }
      default -> {
        return; // sockets are not files a container can take along
      }
    }
    tar.setMode(mode & 07777);
    tar.setUserId((Integer) unix.get("uid"));
    tar.setGroupId((Integer) unix.get("gid"));
    tar.setModTime((FileTime) unix.get("lastModifiedTime"));
    out.putArchiveEntry(tar);
    if (withContent) {
      copyExactly(entry, tar.getSize(), out);
    }
    out.closeArchiveEntry();
  }

  /** The container may still write the file: exactly size bytes go in, cut or padded with zeros. */
  private static void copyExactly(Path file, long size, OutputStream out) throws IOException {
    long left = size;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    } catch (NoSuchFileException gone) {
      // written as zeros below
    }
    java.util.Arrays.fill(buffer, (byte) 0);
    while (left > 0) {
      int n = (int) Math.min(buffer.length, left);
      out.write(buffer, 0, n);
      left -= n;
    }
  }
}
