package dev.skiff.runtime.linux;

import java.util.List;

/**
 * The new mount API (fsopen/fsconfig/fsmount/move_mount, Linux 5.2+). skiff uses it for
 * OverlayFS mounts whose lowerdir list would not fit the one-page option string of mount(2):
 * "lowerdir+" (Linux 6.8+) adds one layer per call, with no length limit.
 */
public final class MountApi {
  private static final int FSOPEN_CLOEXEC = 1;
  private static final int FSCONFIG_SET_STRING = 1;
  private static final int FSCONFIG_CMD_CREATE = 6;
  private static final int FSMOUNT_CLOEXEC = 1;
  private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
  private static final int AT_FDCWD = -100;

  private static final int AT_EMPTY_PATH = 0x1000;

  private MountApi() {}

  /**
   * Whether this kernel has mount_setattr (5.12+), which the shim needs for recursively
   * read-only mounts. A call with a zero-sized attr reaches the size check (EINVAL) only
   * when the syscall exists; ENOSYS (or EPERM from a seccomp filter around skiffd) means no.
   */
  public static boolean mountSetattrSupported() {
    try {
      if (LibC.INSTANCE.mount_setattr(-1, "", AT_EMPTY_PATH, null, 0) == 0) {
        return true;
      }
      return LibC.errno() == Errno.EINVAL;
    } catch (UnsatisfiedLinkError e) {
      return false; // libc older than 2.36 has no wrapper
    }
  }

  /** Mounts an overlay at target: lowers top layer first. */
  public static void overlay(List<String> lowersTopFirst, String upper, String work, String target)
      throws KernelException {
    LibC libc = LibC.INSTANCE;
    int fs = libc.fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0) {
      throw new KernelException("fsopen", "overlay", LibC.errno());
    }
    try {
      for (String lower : lowersTopFirst) {
        set(fs, "lowerdir+", lower);
      }
      set(fs, "upperdir", upper);
      set(fs, "workdir", work);
      if (libc.fsconfig(fs, FSCONFIG_CMD_CREATE, null, null, 0) != 0) {
        throw new KernelException("fsconfig", "create overlay for " + target, LibC.errno());
      }
      int mount = libc.fsmount(fs, FSMOUNT_CLOEXEC, 0);
      if (mount < 0) {
        throw new KernelException("fsmount", "overlay for " + target, LibC.errno());
      }
      try {
        if (libc.move_mount(mount, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
          throw new KernelException("move_mount", "overlay -> " + target, LibC.errno());
        }
      } finally {
        libc.close(mount);
      }
    } finally {
      libc.close(fs);
    }
  }

  private static void set(int fs, String key, String value) throws KernelException {
    if (LibC.INSTANCE.fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) != 0) {
      throw new KernelException("fsconfig", key + "=" + value, LibC.errno());
    }
  }
}
