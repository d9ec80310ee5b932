package dev.skiff.runtime.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes and directory operations on cgroupfs, with errors naming the file. */
final class CgroupFiles {
  private CgroupFiles() {}

  static void write(Path dir, String file, String value) throws CgroupException {
    Path path = dir.resolve(file);
    try {
      // cgroupfs files exist already; CREATE only matters for the temp-dir trees of unit tests.
      Files.write(path, value.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new CgroupException("cannot write '" + value + "' to " + path + ": " + e, e, false);
    }
  }

  static String read(Path dir, String file) throws CgroupException {
    Path path = dir.resolve(file);
    try {
      return Files.readString(path).trim();
    } catch (IOException e) {
      throw new CgroupException("cannot read " + path + ": " + e, e, false);
    }
  }

  /** A flat-keyed cgroup file ("key value" per line) as key -> value. */
  static Map<String, Long> flatKeyed(Path dir, String file) throws CgroupException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : read(dir, file).split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        try {
          values.put(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          throw new CgroupException("unexpected line '" + line + "' in " + dir.resolve(file), e, false);
        }
      }
    }
    return values;
  }

  static void mkdirs(Path dir) throws CgroupException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CgroupException("cannot create cgroup " + dir + ": " + e, e, false);
    }
  }

  /**
   * rmdir(2) of a cgroup. On cgroupfs the control files vanish with the directory; in a
   * unit-test tree they are plain files, so regular files are deleted first.
   */
  static boolean rmdir(Path dir) throws CgroupException {
    try {
      if (Files.isDirectory(dir) && !isCgroupfs(dir)) {
        try (var entries = Files.list(dir)) {
          for (Path entry : (Iterable<Path>) entries::iterator) {
            if (Files.isRegularFile(entry)) {
              Files.delete(entry);
            }
          }
        }
      }
      Files.delete(dir);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (DirectoryNotEmptyException e) {
      throw new CgroupException("cgroup " + dir + " still has child cgroups", e, false);
    } catch (FileSystemException e) {
      throw new CgroupException("cannot remove cgroup " + dir + " (processes still in it?): " + e.getReason(), e, false);
    } catch (IOException e) {
      throw new CgroupException("cannot remove cgroup " + dir + ": " + e, e, false);
    }
  }

  private static boolean isCgroupfs(Path dir) {
    try {
      String type = Files.getFileStore(dir).type();
      return type.equals("cgroup") || type.equals("cgroup2");
    } catch (IOException e) {
      return false;
    }
  }
}
