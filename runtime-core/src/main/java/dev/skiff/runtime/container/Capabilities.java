package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Linux capability names and numbers, containerd's default set, and CRI add/drop. */
public final class Capabilities {
  /** Index = capability number (linux/capability.h). */
  static final List<String> NAMES = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
      "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
      "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
      "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

  /** containerd's (and Docker's) default set: 14 capabilities, mask 0xa80425fb. */
  public static final Set<String> DEFAULT = Set.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
      "CAP_AUDIT_WRITE");

  private Capabilities() {}

  /** "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; unknown names are an error. */
  public static String canonical(String name) throws ContainerException {
    String upper = name.toUpperCase(Locale.ROOT);
    String full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    if (!NAMES.contains(full)) {
      throw ContainerException.invalid("unknown capability '" + name + "'");
    }
    return full;
  }

  /**
   * The container's capability set: everything the host allows when privileged, else the
   * default set with CRI add, then drop, applied ("ALL" in add grants every capability, in
   * drop removes every one, after which add can grant some back, as containerd does).
   */
  public static Set<String> effective(SecurityRequest security, Set<String> hostAllowed) throws ContainerException {
    if (security.privileged()) {
      return new TreeSet<>(hostAllowed);
    }
    Set<String> caps = new TreeSet<>(DEFAULT);
    boolean dropAll = security.dropCapabilities().stream().anyMatch(c -> c.equalsIgnoreCase("ALL"));
    if (dropAll) {
      caps.clear();
    }
    for (String add : security.addCapabilities()) {
      if (add.equalsIgnoreCase("ALL")) {
        caps.addAll(hostAllowed);
      } else {
        caps.add(canonical(add));
      }
    }
    if (!dropAll) {
      for (String drop : security.dropCapabilities()) {
        caps.remove(canonical(drop));
      }
    }
    caps.retainAll(hostAllowed);
    return caps;
  }

  public static long mask(Set<String> names) {
    long mask = 0;
    for (String name : names) {
      mask |= 1L << NAMES.indexOf(name);
    }
    return mask;
  }

  /**
   * The capabilities this process may hand out: its own bounding set. No process here holds
   * CAP_SYS_RESOURCE, and capset cannot grant what the caller lacks.
   */
  public static Set<String> hostAllowed() throws IOException {
    long bounding = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapBnd:")) {
        bounding = Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16);
      }
    }
    Set<String> allowed = new TreeSet<>();
    for (int cap = 0; cap < NAMES.size(); cap++) {
      if ((bounding & (1L << cap)) != 0) {
        allowed.add(NAMES.get(cap));
      }
    }
    return allowed;
  }
}
