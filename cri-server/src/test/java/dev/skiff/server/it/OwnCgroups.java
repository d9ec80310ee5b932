package dev.skiff.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directories of this process's own cgroup in every mounted hierarchy (v1, v2, or both on
 * hybrid hosts), so tests can find and clean what skiffd created below them.
 */
public final class OwnCgroups {
  private OwnCgroups() {}

  public static List<Path> directories() {
    try {
      List<String> memberships = Files.readAllLines(Path.of("/proc/self/cgroup"));
      List<Path> dirs = new ArrayList<>();
      for (String mount : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] fields = mount.split(" ");
        if (fields.length < 4) {
          continue;
        }
        String type = fields[2];
        if (type.equals("cgroup2")) {
          own(memberships, "").ifPresent(path -> dirs.add(Path.of(fields[1] + path)));
        } else if (type.equals("cgroup")) {
          Set<String> controllers = new HashSet<>(Arrays.asList(fields[3].split(",")));
          for (String line : memberships) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && !parts[1].isEmpty() && controllers.containsAll(Arrays.asList(parts[1].split(",")))) {
              dirs.add(Path.of(fields[1] + parts[2]));
              break;
            }
          }
        }
      }
      return dirs;
    } catch (IOException e) {
      throw new AssertionError("cannot read cgroup membership: " + e.getMessage(), e);
    }
  }

  private static java.util.Optional<String> own(List<String> memberships, String controllers) {
    return memberships.stream()
        .map(line -> line.split(":", 3))
        .filter(parts -> parts.length == 3 && parts[0].equals("0") && parts[1].equals(controllers))
        .map(parts -> parts[2])
        .findFirst();
  }

  /**
   * Removes {@code relative} below our own cgroup in every hierarchy: kills what still runs
   * there (only processes the test started can be inside) and removes the directories
   * deepest first.
   */
  public static void removeBelow(String relative) {
    for (Path own : directories()) {
      Path top = own.resolve(relative);
      if (!Files.isDirectory(top)) {
        continue;
      }
      List<Path> dirs;
      try (Stream<Path> walk = Files.walk(top)) {
        dirs = walk.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
      } catch (IOException e) {
        continue;
      }
      for (Path dir : dirs) {
        killMembers(dir);
        for (int attempt = 0; attempt < 50; attempt++) {
          try {
            Files.deleteIfExists(dir);
            break;
          } catch (IOException busy) {
            sleep();
          }
        }
      }
    }
  }

  private static void killMembers(Path dir) {
    Path procs = dir.resolve("cgroup.procs");
    try {
      for (String pid : Files.readAllLines(procs)) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // The directory is gone or empty already.
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
