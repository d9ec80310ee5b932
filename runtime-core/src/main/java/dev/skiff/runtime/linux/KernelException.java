package dev.skiff.runtime.linux;

/** A failed system call, naming the call, its main argument and the errno. */
public final class KernelException extends java.io.IOException {
  private final int errno;

  public KernelException(String call, String argument, int errno) {
    super(call + "(" + argument + ") failed: " + Errno.describe(errno));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
