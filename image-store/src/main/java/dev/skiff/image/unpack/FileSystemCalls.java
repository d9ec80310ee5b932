package dev.skiff.image.unpack;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The Linux calls the JDK cannot make without following symlinks or losing bits:
 * mknod, lchown, chmod with setuid/setgid/sticky, lsetxattr, utimensat(AT_SYMLINK_NOFOLLOW)
 * and syncfs. Each is wrapped once; a failure throws an IOException naming the call, the
 * path and the errno.
 */
public final class FileSystemCalls {
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  private static final int ENODATA = 61;

  /** The raw libc entry points; only this class calls them. */
  public interface LibC {
    @SaveError
    int mknod(String path, int mode, long dev);

    @SaveError
    int lchown(String path, int uid, int gid);

    @SaveError
    int chmod(String path, int mode);

    @SaveError
    int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

    @SaveError
    long lgetxattr(String path, String name, @Out byte[] value, long size);

    @SaveError
    int utimensat(int dirfd, String path, @In long[] times, int flags);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int syncfs(int fd);

    int close(int fd);

    String strerror(int errno);
  }

  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private FileSystemCalls() {}

  /** glibc's makedev(): the dev_t for a major/minor pair. */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  public static void mknod(Path path, int typeAndMode, long dev) throws IOException {
    check(LIBC.mknod(path.toString(), typeAndMode, dev), "mknod", path);
  }

  public static void lchown(Path path, int uid, int gid) throws IOException {
    check(LIBC.lchown(path.toString(), uid, gid), "lchown", path);
  }

  /** chmod with all 12 permission bits; never called on a symlink (it would follow it). */
  public static void chmod(Path path, int mode) throws IOException {
    check(LIBC.chmod(path.toString(), mode & 07777), "chmod", path);
  }

  public static void lsetxattr(Path path, String name, byte[] value) throws IOException {
    check(LIBC.lsetxattr(path.toString(), name, value, value.length, 0), "lsetxattr " + name, path);
  }

  /** The value of an xattr, or null when the file does not have it. */
  public static byte[] lgetxattr(Path path, String name) throws IOException {
    byte[] buffer = new byte[4096];
    long n = LIBC.lgetxattr(path.toString(), name, buffer, buffer.length);
    if (n < 0) {
      int errno = RUNTIME.getLastError();
      if (errno == ENODATA) {
        return null;
      }
      throw failure("lgetxattr " + name, path, errno);
    }
    return java.util.Arrays.copyOf(buffer, (int) n);
  }

  /** Sets atime and mtime of the path itself, never of a symlink's target. */
  public static void lutimes(Path path, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos)
      throws IOException {
    long[] times = {atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos};
    check(LIBC.utimensat(AT_FDCWD, path.toString(), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
  }

  /** Flushes the whole filesystem holding {@code dir}: one call instead of an fsync per unpacked file. */
  public static void syncfs(Path dir) throws IOException {
    int fd = LIBC.open(dir.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    check(fd, "open", dir);
    try {
      check(LIBC.syncfs(fd), "syncfs", dir);
    } finally {
      LIBC.close(fd);
    }
  }

  private static void check(long result, String call, Path path) throws IOException {
    if (result < 0) {
      throw failure(call, path, RUNTIME.getLastError());
    }
  }

  private static IOException failure(String call, Path path, int errno) {
    return new IOException(call + " " + path + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
  }
}
