package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the container sees at /sys/fs/cgroup, found from the hierarchies its cgroup
 * directories live in: on a pure v2 host cgroup2 right there; otherwise a tmpfs with one
 * mount per hierarchy, named as on the host ("memory", "cpu,cpuacct", "systemd", "unified"),
 * plus a link per controller of a shared hierarchy ("cpu" → "cpu,cpuacct"), as runc lays it
 * out. Each mount is made inside the container's cgroup namespace, so it shows the
 * container's cgroup as its root.
 *
 * @param unified cgroup2 at /sys/fs/cgroup itself; mounts and links are then empty
 */
public record CgroupFsLayout(boolean unified, List<Mount> mounts, List<Link> links) {
  /** /sys/fs/cgroup/NAME: fsType "cgroup" with the hierarchy's controllers (or name=) as data, or "cgroup2". */
  public record Mount(String name, String fsType, String data) {}

  public record Link(String name, String target) {}

  public CgroupFsLayout {
    mounts = List.copyOf(mounts);
    links = List.copyOf(links);
  }

  /** Super options of a v1 hierarchy that are not controllers (and not allowed in a cgroup namespace). */
  private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "noprefix", "clone_children", "xattr",
      "cpuset_v2_mode", "favordynmods", "none");

  /**
   * The layout for these cgroup directories, from /proc/self/mountinfo's lines; null when none
   * of them is on a cgroup filesystem (then the container gets no cgroup mount).
   */
  public static CgroupFsLayout of(List<Path> cgroupDirs, List<String> mountinfo) {
    List<Mount> mounts = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    List<String> shared = new ArrayList<>();
    for (Path dir : cgroupDirs) {
      String[] best = null;
      for (String line : mountinfo) {
        String[] m = parse(line);
        if (m != null && (dir.startsWith(Path.of(m[0]))) && (best == null || m[0].length() > best[0].length())) {
          best = m;
        }
      }
      if (best == null) {
        continue;
      }
      if (best[1].equals("cgroup2") && cgroupDirs.size() == 1) {
        return new CgroupFsLayout(true, List.of(), List.of());
      }
      String name = Path.of(best[0]).getFileName().toString();
      if (!names.add(name)) {
        continue;
      }
      if (best[1].equals("cgroup2")) {
        mounts.add(new Mount(name, "cgroup2", ""));
        continue;
      }
      List<String> options = new ArrayList<>();
      for (String option : best[2].split(",")) {
        if (option.startsWith("name=") || (!option.contains("=") && !NOT_CONTROLLERS.contains(option))) {
          options.add(option);
          if (!option.startsWith("name=") && !option.equals(name)) {
            shared.add(option + "=" + name);
          }
        }
      }
      mounts.add(new Mount(name, "cgroup", String.join(",", options)));
    }
    if (mounts.isEmpty()) {
      return null;
    }
    List<Link> links = new ArrayList<>();
    for (String entry : shared) {
      String controller = entry.substring(0, entry.indexOf('='));
      if (names.add(controller)) {
        links.add(new Link(controller, entry.substring(entry.indexOf('=') + 1)));
      }
    }
    return new CgroupFsLayout(false, mounts, links);
  }

  /**
   * skiffd's cgroup mount lines of /proc/self/mountinfo, read once: the hierarchies do not change
   * while it runs, and the whole file grows by a few lines with every pod and container.
   */
  public static List<String> hostCgroupMounts() throws IOException {
    List<String> lines = hostCgroupMounts;
    if (lines == null) {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> parse(l) != null).toList();
      hostCgroupMounts = lines;
    }
    return lines;
  }

  private static volatile List<String> hostCgroupMounts;

  /** {mount point, fs type, super options} of a cgroup/cgroup2 mountinfo line, else null. */
  private static String[] parse(String line) {
    int dash = line.indexOf(" - ");
    if (dash < 0) {
      return null;
    }
    String[] fields = line.substring(0, dash).split(" ");
    String[] tail = line.substring(dash + 3).split(" ");
    if (fields.length < 5 || tail.length < 3 || !(tail[0].equals("cgroup") || tail[0].equals("cgroup2"))) {
      return null;
    }
    return new String[] {fields[4].replace("\\040", " "), tail[0], tail[2]};
  }
}
