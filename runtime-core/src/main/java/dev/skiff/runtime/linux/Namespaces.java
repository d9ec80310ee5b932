package dev.skiff.runtime.linux;

/**
 * unshare(2) and setns(2). Network, IPC and UTS namespaces are per thread: call these only
 * from a thread that does nothing else (see the pod code's dedicated namespace thread).
 */
public final class Namespaces {
  public static final int CLONE_NEWNS = 0x00020000;
  public static final int CLONE_NEWUTS = 0x04000000;
  public static final int CLONE_NEWIPC = 0x08000000;
  public static final int CLONE_NEWUSER = 0x10000000;
  public static final int CLONE_NEWPID = 0x20000000;
  public static final int CLONE_NEWNET = 0x40000000;
  public static final int CLONE_NEWCGROUP = 0x02000000;

  private Namespaces() {}

  public static void unshare(int flags) throws KernelException {
    if (LibC.INSTANCE.unshare(flags) != 0) {
      throw new KernelException("unshare", "0x" + Integer.toHexString(flags), LibC.errno());
    }
  }

  public static void setns(int fd, int nstype, String what) throws KernelException {
    if (LibC.INSTANCE.setns(fd, nstype) != 0) {
      throw new KernelException("setns", what, LibC.errno());
    }
  }

  /** Joins the namespace pinned or exposed at {@code path} (a /proc/.../ns/* file or a bind mount of one). */
  public static void join(String path, int nstype) throws KernelException {
    int fd = FileDescriptors.openReadOnly(path);
    try {
      setns(fd, nstype, path);
    } finally {
      FileDescriptors.closeQuietly(fd);
    }
  }

  /** The process id, for /proc/PID/task/TID paths (thread-self is per-thread but PID is not). */
  public static int processId() {
    return LibC.INSTANCE.getpid();
  }

  public static void sethostname(String name) throws KernelException {
    byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (LibC.INSTANCE.sethostname(name, bytes.length) != 0) {
      throw new KernelException("sethostname", name, LibC.errno());
    }
  }

  /** The kernel thread id of the calling thread, for /proc/thread-self style paths. */
  public static int currentThreadId() {
    return LibC.INSTANCE.gettid();
  }
}
