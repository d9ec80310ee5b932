package dev.skiff.runtime.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which skiff changes its own network, IPC and UTS namespaces. These
 * namespaces belong to a thread, not to the process, so a task here may unshare them,
 * work inside the new ones (sethostname, sysctls, spawning {@code ip}: a child inherits the
 * namespaces of the thread that forks it), and pin them.
 *
 * <p>After every task the thread goes back to the host's namespaces with setns(2) on fds
 * it opened at start, instead of dying and being replaced: setns costs microseconds and a
 * new thread per pod does not. If going back ever fails, the thread is retired (it exits
 * and a fresh one, born in the host namespaces, replaces it) so no later task can run in
 * a pod's namespaces by mistake.
 */
public final class NamespaceThread implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceThread.class);
  private static final int[] KINDS = {Namespaces.CLONE_NEWNET, Namespaces.CLONE_NEWIPC, Namespaces.CLONE_NEWUTS};
  private static final String[] NAMES = {"net", "ipc", "uts"};

  private final String threadName;
  private ExecutorService executor;
  private int[] hostFds;

  public NamespaceThread() {
    this("skiff-namespaces");
  }

  /** A namespace thread of its own, named threadName (stats readers keep off the pods' thread). */
  public NamespaceThread(String threadName) {
    this.threadName = threadName;
    start();
  }

  private synchronized void start() {
    executor = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, threadName);
      thread.setDaemon(true);
      return thread;
    });
    try {
      hostFds = executor.submit(NamespaceThread::openOwnNamespaces).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot open the host namespaces: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the namespace thread", e);
    }
  }

  /** Runs task on the namespace thread and returns the thread to the host namespaces afterwards. */
  public synchronized <T> T run(Callable<T> task) throws Exception {
    Future<T> result = executor.submit(() -> {
      try {
        return task.call();
      } finally {
        restoreHostNamespaces();
      }
    });
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HostNamespacesLost lost) {
        LOG.error("Retiring the namespace thread: {}", lost.getMessage());
        executor.shutdownNow();
        closeHostFds();
        start();
      }
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void restoreHostNamespaces() throws HostNamespacesLost {
    for (int i = 0; i < KINDS.length; i++) {
      try {
        Namespaces.setns(hostFds[i], KINDS[i], "host " + NAMES[i] + " namespace");
      } catch (KernelException e) {
        throw new HostNamespacesLost(e);
      }
    }
  }

  private static int[] openOwnNamespaces() throws KernelException {
    int[] fds = new int[KINDS.length];
    for (int i = 0; i < KINDS.length; i++) {
      fds[i] = FileDescriptors.openReadOnly(threadNamespacePath(NAMES[i]));
    }
    return fds;
  }

  /**
   * The calling thread's namespace file. /proc/self/ns/* names the main thread's, which a
   * JVM thread is not; /proc/thread-self would do, but PID/task/TID works on every kernel.
   */
  public static String threadNamespacePath(String name) {
    return "/proc/" + Namespaces.processId() + "/task/" + Namespaces.currentThreadId() + "/ns/" + name;
  }

  private synchronized void closeHostFds() {
    if (hostFds != null) {
      for (int fd : hostFds) {
        FileDescriptors.closeQuietly(fd);
      }
      hostFds = null;
    }
  }

  @Override
  public synchronized void close() {
    executor.shutdownNow();
    closeHostFds();
  }

  private static final class HostNamespacesLost extends Exception {
    HostNamespacesLost(KernelException cause) {
      super("cannot return to the host namespaces: " + cause.getMessage(), cause);
    }
  }
}
