package dev.skiff.runtime.pod;

import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates a pod's network, IPC and UTS namespaces without a process, as CRI-O's pinns
 * does: the namespace thread unshares them, and each is kept alive by a bind mount of the
 * thread's /proc/PID/task/TID/ns/KIND file onto a file under the pod's ns directory.
 */
public final class PinnedNamespaces {
  /** Work done inside the new namespaces before the thread leaves them (hostname, sysctls, network). */
  @FunctionalInterface
  public interface Inside {
    void run() throws Exception;
  }

  private final NamespaceThread thread;

  public PinnedNamespaces(NamespaceThread thread) {
    this.thread = thread;
  }

  /**
   * Unshares the kinds asked for ("net", "ipc", "uts"), pins them in nsDir and runs inside.
   * Each pin pushes its own undo, so a failure half-way leaves nothing after rollback.
   * Returns the pinned files by kind.
   */
  public Map<String, Path> create(Path nsDir, boolean net, boolean ipc, boolean uts, Rollback rollback,
      Inside inside) throws Exception {
    int flags = (net ? Namespaces.CLONE_NEWNET : 0) | (ipc ? Namespaces.CLONE_NEWIPC : 0)
        | (uts ? Namespaces.CLONE_NEWUTS : 0);
    Map<String, Path> pinned = new LinkedHashMap<>();
    if (flags == 0) {
      inside.run();
      return pinned;
    }
    Files.createDirectories(nsDir);
    return thread.run(() -> {
      Namespaces.unshare(flags);
      if (net) {
        pinned.put("net", pin(nsDir, "net", rollback));
      }
      if (ipc) {
        pinned.put("ipc", pin(nsDir, "ipc", rollback));
      }
      if (uts) {
        pinned.put("uts", pin(nsDir, "uts", rollback));
      }
      inside.run();
      return pinned;
    });
  }

  private static Path pin(Path nsDir, String kind, Rollback rollback) throws IOException {
    Path target = nsDir.resolve(kind);
    Files.deleteIfExists(target);
    Files.createFile(target);
    rollback.push("pin file " + target, () -> Files.deleteIfExists(target));
    Mounts.bind(NamespaceThread.threadNamespacePath(kind), target.toString());
    rollback.push("pinned " + kind + " namespace " + target, () -> unpin(target));
    return target;
  }

  /** Unmounts and deletes one pinned namespace file; absent or unmounted files are fine. */
  public static void unpin(Path file) throws KernelException, IOException {
    Mounts.unmount(file.toString(), Mounts.MNT_DETACH);
    Files.deleteIfExists(file);
  }

  /** Whether file is still a pinned namespace (a mounted nsfs file), as recovery checks. */
  public static boolean isPinned(Path file) {
    try {
      // An nsfs bind mount reads as a different device from the directory holding it.
      Object fileDev = Files.getAttribute(file, "unix:dev");
      Object dirDev = Files.getAttribute(file.getParent(), "unix:dev");
      return !fileDev.equals(dirDev);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
