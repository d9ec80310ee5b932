package dev.skiff.runtime.pod;

import dev.skiff.runtime.container.ShimBinary;
import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import dev.skiff.runtime.userns.UserNamespaceHolder;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  private static final Map<String, Integer> FLAGS = Map.of("net", Namespaces.CLONE_NEWNET,
      "ipc", Namespaces.CLONE_NEWIPC, "uts", Namespaces.CLONE_NEWUTS);

  private final NamespaceThread thread;

  public PinnedNamespaces(NamespaceThread thread) {
    this.thread = thread;
  }

  /**
   * Unshares the kinds asked for ("net", "ipc", "uts"), pins them in nsDir and runs inside.
   * With {@code userns} the pod gets a user namespace of its own first (pinned as "user"), and
   * the other kinds are created inside it so it owns them: a helper process makes them (the
   * JVM, being multithreaded, may neither create nor join a user namespace) and the namespace
   * thread then joins the pinned ones to run inside. Each pin pushes its own undo, so a
   * failure half-way leaves nothing after rollback. Returns the pinned files by kind.
   */
  public Map<String, Path> create(Path nsDir, boolean net, boolean ipc, boolean uts, UserNamespaceMappings userns,
      Rollback rollback, Inside inside) throws Exception {
    int flags = (net ? Namespaces.CLONE_NEWNET : 0) | (ipc ? Namespaces.CLONE_NEWIPC : 0)
        | (uts ? Namespaces.CLONE_NEWUTS : 0);
    Map<String, Path> pinned = new LinkedHashMap<>();
    if (userns != null) {
      return createInUserNamespace(nsDir, net, ipc, uts, userns, rollback, inside);
    }
    if (flags == 0) {
      inside.run();
      return pinned;
    }
    Files.createDirectories(nsDir);
    return thread.run(() -> {
      Namespaces.unshare(flags);
      if (net) {
        pinned.put("net", pin(nsDir, "net", NamespaceThread.threadNamespacePath("net"), rollback));
      }
      if (ipc) {
        pinned.put("ipc", pin(nsDir, "ipc", NamespaceThread.threadNamespacePath("ipc"), rollback));
      }
      if (uts) {
        pinned.put("uts", pin(nsDir, "uts", NamespaceThread.threadNamespacePath("uts"), rollback));
      }
      inside.run();
      return pinned;
    });
  }

  private Map<String, Path> createInUserNamespace(Path nsDir, boolean net, boolean ipc, boolean uts,
      UserNamespaceMappings userns, Rollback rollback, Inside inside) throws Exception {
    List<String> kinds = new ArrayList<>();
    if (net) {
      kinds.add("net");
    }
    if (ipc) {
      kinds.add("ipc");
    }
    if (uts) {
      kinds.add("uts");
    }
    Files.createDirectories(nsDir);
    Map<String, Path> pinned = new LinkedHashMap<>();
    try (UserNamespaceHolder holder = UserNamespaceHolder.start(ShimBinary.locate(), userns, kinds)) {
      pinned.put("user", pin(nsDir, "user", holder.namespacePath("user"), rollback));
      for (String kind : kinds) {
        pinned.put(kind, pin(nsDir, kind, holder.namespacePath(kind), rollback));
      }
    }
    if (kinds.isEmpty()) {
      inside.run();
      return pinned;
    }
    return thread.run(() -> {
      // Root of the host's user namespace holds every capability over namespaces its
      // descendants own, so the thread may join these and work inside as before.
      for (String kind : kinds) {
        Namespaces.join(pinned.get(kind).toString(), FLAGS.get(kind));
      }
      inside.run();
      return pinned;
    });
  }

  private static Path pin(Path nsDir, String kind, String source, Rollback rollback) throws IOException {
    Path target = nsDir.resolve(kind);
    Files.deleteIfExists(target);
    Files.createFile(target);
    rollback.push("pin file " + target, () -> Files.deleteIfExists(target));
    Mounts.bind(source, target.toString());
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
