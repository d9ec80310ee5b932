package dev.skiff.runtime.linux;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Detached idmapped copies of directory trees (open_tree + mount_setattr MOUNT_ATTR_IDMAP,
 * Linux 5.12+): through one, a file the host sees owned by id N appears owned by the id that
 * N maps to in the user namespace's uid_map/gid_map read backwards, so a pod's root sees the
 * image's root-owned files as its own. The tree lives as long as its fd: name it as
 * /proc/self/fd/N (an overlay layer) and close it once mounted over.
 */
public final class IdmappedTrees {
  private static final int AT_FDCWD = -100;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int OPEN_TREE_CLONE = 1;
  private static final int OPEN_TREE_CLOEXEC = 02000000;
  private static final int AT_RECURSIVE = 0x8000;
  private static final long MOUNT_ATTR_IDMAP = 0x00100000L;
  private static final long MOUNT_ATTR_SIZE_VER0 = 32;

  private IdmappedTrees() {}

  /** A detached idmapped clone of the mount at path, mapped through the user namespace at usernsFd. */
  public static int open(String path, int usernsFd) throws KernelException {
    return open(path, usernsFd, false);
  }

  /**
   * As {@link #open(String, int)}; with {@code recursive} the clone takes the mounts below path
   * too (an rbind) and every one of them is idmapped.
   */
  public static int open(String path, int usernsFd, boolean recursive) throws KernelException {
    LibC libc = LibC.INSTANCE;
    int recursion = recursive ? AT_RECURSIVE : 0;
    int tree = libc.open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | recursion);
    if (tree < 0) {
      throw new KernelException("open_tree", path, LibC.errno());
    }
    // struct mount_attr: attr_set, attr_clr, propagation, userns_fd (4 x u64).
    Pointer attr = Memory.allocateDirect(LibC.RUNTIME, (int) MOUNT_ATTR_SIZE_VER0, true);
    attr.putLong(0, MOUNT_ATTR_IDMAP);
    attr.putLong(24, usernsFd);
    if (libc.mount_setattr(tree, "", AT_EMPTY_PATH | recursion, attr, MOUNT_ATTR_SIZE_VER0) != 0) {
      int errno = LibC.errno();
      libc.close(tree);
      throw new KernelException("mount_setattr", "idmap " + path, errno);
    }
    return tree;
  }

  /** The path naming a tree fd of this process, from any of its threads. */
  public static String path(int treeFd) {
    return "/proc/self/fd/" + treeFd;
  }
}
