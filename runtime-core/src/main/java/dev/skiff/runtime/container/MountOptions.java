package dev.skiff.runtime.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OCI mount options ("ro", "nosuid", "rbind", "rslave", "mode=755"...) as the mount(2)
 * flags, propagation flags and data string the shim passes to the kernel, the way runc
 * reads them.
 */
public record MountOptions(long flags, long propagation, boolean recursiveReadOnly, String data) {
  static final long MS_RDONLY = 1;
  static final long MS_NOSUID = 2;
  static final long MS_NODEV = 4;
  static final long MS_NOEXEC = 8;
  static final long MS_NOATIME = 1024;
  static final long MS_NODIRATIME = 2048;
  static final long MS_BIND = 4096;
  static final long MS_REC = 16384;
  static final long MS_PRIVATE = 1 << 18;
  static final long MS_SLAVE = 1 << 19;
  static final long MS_SHARED = 1 << 20;
  static final long MS_RELATIME = 1 << 21;
  static final long MS_STRICTATIME = 1 << 24;

  private static final Map<String, Long> SET = Map.ofEntries(
      Map.entry("ro", MS_RDONLY), Map.entry("nosuid", MS_NOSUID), Map.entry("nodev", MS_NODEV),
      Map.entry("noexec", MS_NOEXEC), Map.entry("noatime", MS_NOATIME), Map.entry("nodiratime", MS_NODIRATIME),
      Map.entry("relatime", MS_RELATIME), Map.entry("strictatime", MS_STRICTATIME), Map.entry("bind", MS_BIND),
      Map.entry("rbind", MS_BIND | MS_REC));
  private static final Map<String, Long> CLEAR = Map.of(
      "rw", MS_RDONLY, "suid", MS_NOSUID, "dev", MS_NODEV, "exec", MS_NOEXEC);
  private static final Map<String, Long> PROPAGATION = Map.of(
      "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC, "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
      "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC);

  public static MountOptions parse(List<String> options) {
    long flags = 0;
    long propagation = 0;
    boolean rro = false;
    List<String> data = new ArrayList<>();
    for (String option : options) {
      if (SET.containsKey(option)) {
        flags |= SET.get(option);
      } else if (CLEAR.containsKey(option)) {
        flags &= ~CLEAR.get(option);
      } else if (PROPAGATION.containsKey(option)) {
        propagation = PROPAGATION.get(option);
      } else if (option.equals("rro")) {
        rro = true;
      } else {
        data.add(option);
      }
    }
    return new MountOptions(flags, propagation, rro, String.join(",", data));
  }

  public boolean bind() {
    return (flags & MS_BIND) != 0;
  }
}
