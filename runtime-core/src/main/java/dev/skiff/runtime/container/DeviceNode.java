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
}
