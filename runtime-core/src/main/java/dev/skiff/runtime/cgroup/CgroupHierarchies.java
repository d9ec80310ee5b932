package dev.skiff.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the cgroup hierarchies from /proc/self/mountinfo and skiff's root in each.
 *
 * <p>The configured root is absolute ("/skiff": the same path in every hierarchy) or
 * relative ("skiff-test-1": below skiffd's own cgroup in each hierarchy, read from
 * /proc/self/cgroup). On hybrid hosts a process sits in different cgroups per hierarchy,
 * so only the relative form keeps everything under the caller's own cgroups, as tests need.
 */
public final class CgroupHierarchies {
  private CgroupHierarchies() {}

  public record Detected(CgroupMode mode, List<Hierarchy> hierarchies) {}

  public static Detected detect(Path mountinfo, Path selfCgroup, String root) throws IOException {
    Map<String, String> ownCgroups = parseOwnCgroups(Files.readAllLines(selfCgroup));
    List<Hierarchy> v1 = new ArrayList<>();
    Hierarchy v2 = null;
    Set<Path> seen = new LinkedHashSet<>();
    for (String line : Files.readAllLines(mountinfo)) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] fields = line.substring(0, dash).split(" ");
      String[] tail = line.substring(dash + 3).split(" ");
      if (fields.length < 5 || tail.length < 3) {
        continue;
      }
      String fsType = tail[0];
      String mountRoot = unescape(fields[3]);
      Path mountPoint = Path.of(unescape(fields[4]));
      if (!seen.add(mountPoint)) {
        continue;
      }
      if (fsType.equals("cgroup2")) {
        Set<String> controllers = readControllers(mountPoint.resolve("cgroup.controllers"));
        v2 = new Hierarchy("unified", mountPoint, controllers, true, rootIn(mountPoint, mountRoot, ownCgroups.get(""), root));
      } else if (fsType.equals("cgroup")) {
        Set<String> controllers = new LinkedHashSet<>();
        String key = null;
        for (String option : tail[2].split(",")) {
          if (option.startsWith("name=")) {
            key = option;
          } else if (!option.equals("rw") && !option.equals("ro") && !option.contains("=")
              && !option.equals("clone_children") && !option.equals("noprefix") && !option.equals("xattr")) {
            controllers.add(option);
          }
        }
        if (key == null) {
          key = String.join(",", controllers);
        }
        String own = ownCgroups.get(key);
        if (own == null) {
          own = ownCgroups.getOrDefault(String.join(",", new java.util.TreeSet<>(controllers)), "/");
        }
        v1.add(new Hierarchy(key, mountPoint, controllers, false, rootIn(mountPoint, mountRoot, own, root)));
      }
    }
    if (v1.isEmpty() && v2 != null) {
      return new Detected(CgroupMode.UNIFIED, List.of(v2));
    }
    if (v1.isEmpty()) {
      throw new IOException("no cgroup hierarchy is mounted (read " + mountinfo + ")");
    }
    List<Hierarchy> all = new ArrayList<>(v1);
    if (v2 != null) {
      all.add(v2);
    }
    return new Detected(v2 != null ? CgroupMode.HYBRID : CgroupMode.LEGACY, all);
  }

  /** "4:memory:/a" -> memory=/a; "0::/b" -> ""=/b; "1:name=systemd:/" -> name=systemd=/. */
  static Map<String, String> parseOwnCgroups(List<String> lines) {
    Map<String, String> own = new HashMap<>();
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3) {
        own.put(parts[1], parts[2]);
      }
    }
    return own;
  }

  /** A mount whose root is not "/" (inside a cgroup namespace or a bind) shows own paths relative to it. */
  private static Path rootIn(Path mountPoint, String mountRoot, String ownCgroup, String root) {
    String own = ownCgroup == null ? "/" : ownCgroup;
    if (!mountRoot.equals("/") && own.startsWith(mountRoot)) {
      own = own.substring(mountRoot.length());
    }
    String base = root.startsWith("/") ? root : own + "/" + root;
    String relative = base.replaceAll("^/+", "").replaceAll("/+$", "");
    return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
  }

  private static Set<String> readControllers(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Set.of();
    }
    String text = Files.readString(file).trim();
    return text.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
  }

  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
