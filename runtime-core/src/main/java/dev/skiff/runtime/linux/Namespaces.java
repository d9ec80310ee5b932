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

  public static void sethostname(String name) throws KernelException {
    byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (LibC.INSTANCE.sethostname(name, bytes.length) != 0) {
      throw new KernelException("sethostname", name, LibC.errno());
    }
  }

  /**
   * Moves the calling thread into the network namespace pinned or owned at {@code path}
   * ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}). The thread stays there: use a thread
   * that exits afterwards, never a pooled one.
   */
  public static void enterNetwork(java.nio.file.Path path) throws KernelException {
    final int oRdonlyCloexec = 0x80000;
    int fd = LibC.INSTANCE.open(path.toString(), oRdonlyCloexec);
    if (fd < 0) {
      throw new KernelException("open", path.toString(), LibC.errno());
    }
    try {
      setns(fd, CLONE_NEWNET, path.toString());
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  /** The kernel thread id of the calling thread, for /proc/thread-self style paths. */
  public static int currentThreadId() {
    return LibC.INSTANCE.gettid();
  }
}
