package dev.skiff.runtime.stats;

import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a pod's interface counters inside its network namespace. A pod costs no process,
 * so there is no /proc/PID/net to read from outside: a thread of skiffd joins the pinned
 * namespace and reads /proc/thread-self/net/dev, which shows the namespace of the reading
 * thread (/proc/net is /proc/self/net: the main thread's). The thread is its own, not the
 * pods' setup thread, so stats never wait behind a pod being created.
 */
public final class PodNetworkReader implements AutoCloseable {
  private final NamespaceThread thread;

  public PodNetworkReader() {
    this.thread = new NamespaceThread("skiff-netstats");
  }

  /** The counters of every interface but lo in the namespace pinned at netnsPath. */
  public List<InterfaceCounters> read(Path netnsPath) throws Exception {
    if (!Files.exists(netnsPath)) {
      return List.of();
    }
    return thread.run(() -> {
      Namespaces.join(netnsPath.toString(), Namespaces.CLONE_NEWNET);
      String text = Files.readString(Path.of("/proc/thread-self/net/dev"));
      return NetDev.parse(text).stream().filter(i -> !i.name().equals("lo")).toList();
    });
  }

  @Override
  public void close() {
    thread.close();
  }
}
