package dev.skiff.runtime.linux;

/** The few errno values skiff reacts to, and a readable name for any other. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;

  private Errno() {}

  public static String describe(int errno) {
    jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
    return known == null || !known.defined() ? "errno " + errno : known.name() + " (" + known.description() + ")";
  }
}
