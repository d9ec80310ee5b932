package dev.skiff.runtime.cgroup;

import java.util.List;

/**
 * One entry of a device cgroup allowlist, as OCI {@code linux.resources.devices}: type 'a'
 * (all), 'c' or 'b'; major/minor {@link #ANY} for a wildcard; access a non-empty subset of
 * "rwm" (read, write, mknod). Rules apply in order and a later one overrides an earlier one.
 */
public record DeviceRule(boolean allow, char type, long major, long minor, String access) {
  public static final long ANY = -1;

  /**
   * What every container gets: everything denied, then runc's default allowlist, plus
   * /dev/console (5:1), which a container's terminal may be named as.
   */
  public static final List<DeviceRule> DEFAULTS = List.of(
      deny(),
      allow('c', ANY, ANY, "m"), allow('b', ANY, ANY, "m"),
      allow('c', 1, 3, "rwm"), allow('c', 1, 5, "rwm"), allow('c', 1, 7, "rwm"), // null, zero, full
      allow('c', 1, 8, "rwm"), allow('c', 1, 9, "rwm"), // random, urandom
      allow('c', 5, 0, "rwm"), allow('c', 5, 1, "rwm"), allow('c', 5, 2, "rwm"), // tty, console, ptmx
      allow('c', 136, ANY, "rwm")); // /dev/pts/*

  public DeviceRule {
    if (type != 'a' && type != 'c' && type != 'b') {
      throw new IllegalArgumentException("device type must be a, c or b, not '" + type + "'");
    }
    if (major < ANY || minor < ANY || major > 0xffffffffL || minor > 0xffffffffL) {
      throw new IllegalArgumentException("device number " + major + ":" + minor + " is out of range");
    }
    access = canonicalAccess(access);
  }

  public static DeviceRule allow(char type, long major, long minor, String access) {
    return new DeviceRule(true, type, major, minor, access);
  }

  /** Denies every access to every device. */
  public static DeviceRule deny() {
    return new DeviceRule(false, 'a', ANY, ANY, "rwm");
  }

  /** Allows every access to every device (privileged containers). */
  public static DeviceRule allowAll() {
    return new DeviceRule(true, 'a', ANY, ANY, "rwm");
  }

  /** "mrw", "rw", "" (the CRI's unset: everything) → the letters in the order r, w, m. */
  public static String canonicalAccess(String access) {
    String given = access == null || access.isEmpty() ? "rwm" : access;
    StringBuilder out = new StringBuilder();
    for (char c : given.toCharArray()) {
      if ("rwm".indexOf(c) < 0) {
        throw new IllegalArgumentException("device permissions '" + access + "' may only hold r, w and m");
      }
    }
    for (char c : "rwm".toCharArray()) {
      if (given.indexOf(c) >= 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  public boolean allTypesAndNumbers() {
    return type == 'a' && major == ANY && minor == ANY;
  }

  /** The v1 devices.allow / devices.deny line: "c 1:3 rwm", "a" for everything. */
  public String v1Line() {
    if (type == 'a') {
      return "a *:* " + access;
    }
    return type + " " + number(major) + ":" + number(minor) + " " + access;
  }

  private static String number(long n) {
    return n == ANY ? "*" : Long.toString(n);
  }
}
