package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the CRI user fields, else the image's USER ("name", "uid", "name:group",
 * "uid:gid"), into numbers using the container's own /etc/passwd and /etc/group, as
 * containerd does: a uid without a passwd entry gets gid 0; a name must exist. The
 * supplementary groups are the primary one, under the Merge policy the groups /etc/group
 * lists the user in, then the CRI's supplemental_groups.
 */
public final class UserResolver {
  private record PasswdEntry(String name, long uid, long gid) {}

  private record GroupEntry(String name, long gid, List<String> members) {}

  private UserResolver() {}

  public static UserIds resolve(Path rootfs, ProcessRequest process, String imageUser)
      throws ContainerException, IOException {
    List<PasswdEntry> passwd = readPasswd(rootfs);
    List<GroupEntry> groups = readGroups(rootfs);
    PasswdEntry entry;
    String groupSpec = null;
    if (process.runAsUser() != null) {
      entry = byUid(passwd, process.runAsUser());
    } else if (process.runAsUsername() != null && !process.runAsUsername().isEmpty()) {
      entry = byName(passwd, process.runAsUsername());
    } else if (imageUser != null && !imageUser.isEmpty()) {
      int colon = imageUser.indexOf(':');
      String userSpec = colon < 0 ? imageUser : imageUser.substring(0, colon);
      groupSpec = colon < 0 ? null : imageUser.substring(colon + 1);
      entry = isNumber(userSpec) ? byUid(passwd, Long.parseLong(userSpec)) : byName(passwd, userSpec);
    } else {
      entry = byUid(passwd, 0);
    }
    long gid = entry.gid();
    if (process.runAsGroup() != null) {
      gid = process.runAsGroup();
    } else if (groupSpec != null && !groupSpec.isEmpty()) {
      gid = isNumber(groupSpec) ? Long.parseLong(groupSpec) : groupByName(groups, groupSpec).gid();
    }
    // The primary group goes into the supplementary list too (containerd's ensureAdditionalGids),
    // so that it stays after a setgroups and ContainerStatus.user reports it as kubelet expects.
    Set<Long> additional = new LinkedHashSet<>();
    additional.add(gid);
    if (process.supplementalGroupsPolicy() == ProcessRequest.SupplementalGroupsPolicy.MERGE && entry.name() != null) {
      for (GroupEntry group : groups) {
        if (group.members().contains(entry.name())) {
          additional.add(group.gid());
        }
      }
    }
    additional.addAll(process.supplementalGroups());
    return new UserIds(entry.uid(), gid, new ArrayList<>(additional));
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 11;
  }

  private static PasswdEntry byUid(List<PasswdEntry> passwd, long uid) {
    return passwd.stream().filter(e -> e.uid() == uid).findFirst().orElse(new PasswdEntry(null, uid, 0));
  }

  private static PasswdEntry byName(List<PasswdEntry> passwd, String name) throws ContainerException {
    return passwd.stream()
        .filter(e -> name.equals(e.name()))
        .findFirst()
        .orElseThrow(() -> ContainerException.invalid("user '" + name + "' not found in the image's /etc/passwd"));
  }

  private static GroupEntry groupByName(List<GroupEntry> groups, String name) throws ContainerException {
    return groups.stream()
        .filter(g -> g.name().equals(name))
        .findFirst()
        .orElseThrow(() -> ContainerException.invalid("group '" + name + "' not found in the image's /etc/group"));
  }

  private static List<PasswdEntry> readPasswd(Path rootfs) throws IOException {
    List<PasswdEntry> entries = new ArrayList<>();
    String text = RootedPath.readIfExists(rootfs, "/etc/passwd");
    for (String[] f : lines(text)) {
      if (f.length >= 4 && isNumber(f[2]) && isNumber(f[3])) {
        entries.add(new PasswdEntry(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
      }
    }
    return entries;
  }

  private static List<GroupEntry> readGroups(Path rootfs) throws IOException {
    List<GroupEntry> entries = new ArrayList<>();
    String text = RootedPath.readIfExists(rootfs, "/etc/group");
    for (String[] f : lines(text)) {
      if (f.length >= 3 && isNumber(f[2])) {
        List<String> members = f.length >= 4 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
        entries.add(new GroupEntry(f[0], Long.parseLong(f[2]), members));
      }
    }
    return entries;
  }

  private static List<String[]> lines(String text) {
    List<String[]> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.split(":", -1));
      }
    }
    return out;
  }
}
