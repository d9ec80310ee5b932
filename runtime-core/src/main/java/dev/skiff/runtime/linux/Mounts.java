package dev.skiff.runtime.linux;

/** mount(2) and umount2(2), with errors that name the path. */
public final class Mounts {
  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_REMOUNT = 32;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_PRIVATE = 1 << 18;
  public static final long MS_SLAVE = 1 << 19;
  public static final long MS_SHARED = 1 << 20;
  public static final int MNT_DETACH = 2;
  public static final int UMOUNT_NOFOLLOW = 8;

  private Mounts() {}

  public static void mount(String source, String target, String fstype, long flags, String data)
      throws KernelException {
    if (LibC.INSTANCE.mount(source, target, fstype, flags, data) != 0) {
      throw new KernelException("mount", source + " -> " + target + (fstype == null ? "" : " type " + fstype),
          LibC.errno());
    }
  }

  public static void bind(String source, String target) throws KernelException {
    mount(source, target, null, MS_BIND, null);
  }

  public static void tmpfs(String target, long flags, String options) throws KernelException {
    mount("tmpfs", target, "tmpfs", flags, options);
  }

  /** Unmounts target; returns false when nothing was mounted there. */
  public static boolean unmount(String target, int flags) throws KernelException {
    if (LibC.INSTANCE.umount2(target, flags) != 0) {
      int errno = LibC.errno();
      // EINVAL: not a mount point; ENOENT: gone already. Both mean there is nothing to undo.
      if (errno == Errno.EINVAL || errno == Errno.ENOENT) {
        return false;
      }
      throw new KernelException("umount2", target, errno);
    }
    return true;
  }
}
