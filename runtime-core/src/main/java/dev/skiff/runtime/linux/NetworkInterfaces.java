package dev.skiff.runtime.linux;

/**
 * Network interface look-ups in the calling thread's network namespace. /sys/class/net is
 * no substitute: it lists the interfaces of the namespace that mounted sysfs, not of the
 * caller (skiffd entered with nsenter --net still sees the host's there).
 */
public final class NetworkInterfaces {
  private NetworkInterfaces() {}

  public static boolean exists(String name) {
    return LibC.INSTANCE.if_nametoindex(name) != 0;
  }
}
