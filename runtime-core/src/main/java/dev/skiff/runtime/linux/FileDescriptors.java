package dev.skiff.runtime.linux;

/** open(2) and close(2) for the few files Java must hold as raw fds (namespace files). */
public final class FileDescriptors {
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;

  private FileDescriptors() {}

  public static int openReadOnly(String path) throws KernelException {
    int fd = LibC.INSTANCE.open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw new KernelException("open", path, LibC.errno());
    }
    return fd;
  }

  /** Closes fd; an error here leaks nothing worth reporting, so it is ignored. */
  public static void closeQuietly(int fd) {
    if (fd >= 0) {
      LibC.INSTANCE.close(fd);
    }
  }
}
