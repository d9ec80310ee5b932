package dev.skiff.server.it;

/**
 * The start of every container test: a private netns, the critest look-alike registry in it as
 * skiffd's mirror, the real skiffd, and the busybox image pulled. close() tears all of it down
 * in reverse, each part even when an earlier one failed.
 */
public final class BusyboxSkiffd implements AutoCloseable {
  private final PrivateNetns netns;
  private CritestRegistry registry;
  private SkiffdProcess skiffd;

  private BusyboxSkiffd(PrivateNetns netns) {
    this.netns = netns;
  }

  /** extraToml is appended to skiffd's config after the registry mirrors. */
  public static BusyboxSkiffd start(String purpose, String extraToml) throws Exception {
    BusyboxSkiffd started = new BusyboxSkiffd(PrivateNetns.create(purpose));
    try {
      started.registry = CritestRegistry.start(started.netns, 5000);
      started.skiffd = SkiffdProcess.startIn(started.netns, started.registry.mirrorToml() + extraToml);
      started.skiffd.crictl("pull", CritestRegistry.BUSYBOX).orThrow("crictl pull busybox");
      return started;
    } catch (Exception | AssertionError e) {
      started.close();
      throw e;
    }
  }

  public SkiffdProcess skiffd() {
    return skiffd;
  }

  public PrivateNetns netns() {
    return netns;
  }

  @Override
  public void close() {
    if (skiffd != null) {
      skiffd.close();
    }
    if (registry != null) {
      registry.close();
    }
    netns.close();
  }
}
