package dev.skiff.runtime.userns;

/**
 * One line of a user namespace's uid_map or gid_map: ids {@code containerId ..
 * containerId + length - 1} inside are {@code hostId ..} outside. Ids are unsigned 32-bit
 * values, kept in longs so no range check is fooled by a negative int.
 */
public record IdMapping(long containerId, long hostId, long length) {
  private static final long ID_LIMIT = 1L << 32;

  public IdMapping {
    if (length <= 0) {
      throw new IllegalArgumentException("an id mapping needs a length above 0");
    }
    if (containerId < 0 || hostId < 0 || containerId + length > ID_LIMIT || hostId + length > ID_LIMIT) {
      throw new IllegalArgumentException("id mapping " + containerId + " " + hostId + " " + length
          + " runs past the 32-bit id range");
    }
  }

  /** The host id of container id 0, whose files must appear as root inside. */
  public long hostIdOfRoot() {
    return hostId - containerId;
  }

  /** The line the kernel expects in /proc/PID/uid_map. */
  public String mapLine() {
    return containerId + " " + hostId + " " + length + "\n";
  }
}
