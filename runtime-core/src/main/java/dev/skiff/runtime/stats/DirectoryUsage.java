package dev.skiff.runtime.stats;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Bytes and inodes used by a directory tree: a container's writable layer (the overlay's
 * upper directory). Each inode counts once, however many hard links name it. Bytes are the
 * files' sizes, as {@code du --apparent-size} counts them: the JDK exposes no block count.
 * Entries that vanish during the walk (the container is writing) are skipped.
 */
public record DirectoryUsage(long bytes, long inodes) {
  public static final DirectoryUsage NONE = new DirectoryUsage(0, 0);

  /** Walks dir without following symlinks or crossing into other mounts; NONE when dir is gone. */
  public static DirectoryUsage of(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return NONE;
    }
    Set<Object> seen = new HashSet<>();
    long[] totals = new long[2];
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attrs) {
        count(attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path path, BasicFileAttributes attrs) {
        count(attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path path, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        return FileVisitResult.CONTINUE;
      }

      private void count(BasicFileAttributes attrs) {
        Object key = attrs.fileKey();
        if (key != null && !seen.add(key)) {
          return;
        }
        totals[1]++;
        if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
          totals[0] += attrs.size();
        }
      }
    });
    return new DirectoryUsage(totals[0], totals[1]);
  }
}
