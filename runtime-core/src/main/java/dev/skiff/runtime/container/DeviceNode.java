package dev.skiff.runtime.container;

/** A device node the shim creates: OCI {@code linux.devices} entry ('c' or 'b'). */
public record DeviceNode(String path, char type, long major, long minor, int fileMode, long uid, long gid) {
  /** The nodes every container gets (runc creates the same ones without being asked). */
  public static final java.util.List<DeviceNode> DEFAULTS = java.util.List.of(
      new DeviceNode("/dev/null", 'c', 1, 3, 0666, 0, 0),
      new DeviceNode("/dev/zero", 'c', 1, 5, 0666, 0, 0),
      new DeviceNode("/dev/full", 'c', 1, 7, 0666, 0, 0),
      new DeviceNode("/dev/random", 'c', 1, 8, 0666, 0, 0),
      new DeviceNode("/dev/urandom", 'c', 1, 9, 0666, 0, 0),
      new DeviceNode("/dev/tty", 'c', 5, 0, 0666, 0, 0));

  /** The node at {@code host} as {@code containerPath}; null when not a device. */
  public static DeviceNode of(java.nio.file.Path host, String containerPath, java.nio.file.LinkOption... noFollow)
      throws java.io.IOException {
    int mode = (Integer) java.nio.file.Files.getAttribute(host, "unix:mode", noFollow);
    int type = mode & 0170000;
    if (type != 0020000 && type != 0060000) {
      return null;
    }
    long rdev = (Long) java.nio.file.Files.getAttribute(host, "unix:rdev", noFollow);
    // Linux dev_t encoding (glibc gnu_dev_major/minor).
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
    return new DeviceNode(containerPath, type == 0060000 ? 'b' : 'c', major, minor, mode & 07777,
        (Integer) java.nio.file.Files.getAttribute(host, "unix:uid", noFollow),
        (Integer) java.nio.file.Files.getAttribute(host, "unix:gid", noFollow));
  }
}
