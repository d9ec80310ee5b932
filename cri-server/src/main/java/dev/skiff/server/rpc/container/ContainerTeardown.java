package dev.skiff.server.rpc.container;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupException;
import dev.skiff.runtime.container.CgroupKill;
import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.OverlayRootfs;
import dev.skiff.runtime.linux.Processes;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerRecovery;
import dev.skiff.server.state.ContainerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping and removing a container, shared by StopContainer/RemoveContainer, the pod's
 * Stop/Remove and recovery. Both are idempotent and tolerate every half-built state a crash
 * can leave: no shim, no mount, no cgroup, no bundle. Callers hold the container's lock.
 */
public final class ContainerTeardown implements ContainerRecovery.Release {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerTeardown.class);
  private static final Duration CGROUP_DRAIN = Duration.ofSeconds(5);

  private final ContainerStore store;
  private final CgroupDriver cgroups;
  private final ContainerEventListener events;
  private final Clock clock;
  /** Containers whose exit has been announced (STOPPED), so each exit is announced once. */
  private final Set<String> exitAnnounced = ConcurrentHashMap.newKeySet();

  public ContainerTeardown(ContainerStore store, CgroupDriver cgroups, ContainerEventListener events, Clock clock) {
    this.store = store;
    this.cgroups = cgroups;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Stops the container: its stop signal, up to timeout, then SIGKILL to its whole cgroup. A
   * created container that never started is killed at once. Returns true when it was running.
   */
  public boolean stop(ContainerRecord record, Duration timeout) throws ContainerException, IOException {
    Optional<ContainerProcess> handle = store.process(record.id());
    if (handle.isEmpty()) {
      CgroupKill.killAll(cgroups.directories(record.cgroup()));
      return false;
    }
    ContainerProcess process = handle.get();
    ContainerProcess.Phase phase = process.phase();
    switch (phase) {
      case EXITED -> {
        return false;
      }
      case UNKNOWN -> {
        CgroupKill.killAll(cgroups.directories(record.cgroup()));
        return false;
      }
      case CREATED -> process.stop(Processes.SIGKILL, Duration.ZERO);
      case RUNNING -> process.stop(record.stopSignal(), timeout);
    }
    announceExit(record);
    return phase == ContainerProcess.Phase.RUNNING;
  }

  /** Stops the container, unmounts its rootfs, removes its cgroup, bundle and layer, then the record. */
  public void remove(ContainerRecord record) throws ContainerException, IOException {
    stop(record, Duration.ZERO);
    release(record);
    store.remove(record);
    emit(ContainerEvent.Type.DELETED, record);
    exitAnnounced.remove(record.id());
  }

  /** Everything but the record: rootfs mount, cgroup, bundle and writable layer. */
  @Override
  public void release(ContainerRecord record) throws IOException {
    Path bundle = Path.of(record.bundleDir());
    Path rootfs = bundle.resolve("rootfs");
    if (Files.exists(rootfs)) {
      OverlayRootfs.unmount(rootfs);
    }
    removeCgroup(record.cgroup(), "container " + record.shortId());
    deleteTree(bundle, rootfs);
    deleteTree(Path.of(record.layerDir()), null);
  }

  /**
   * Removes a container's cgroup (the leaf only), killing what is left in it; gone is fine.
   * Recovery uses it for the cgroup an orphan bundle names.
   */
  @Override
  public void removeCgroup(String cgroup, String owner) throws IOException {
    long deadline = System.nanoTime() + CGROUP_DRAIN.toNanos();
    while (true) {
      try {
        cgroups.removeLeaf(cgroup);
        return;
      } catch (CgroupException e) {
        // The kernel keeps a cgroup busy until its last process is fully gone.
        if (System.nanoTime() > deadline) {
          throw new IOException("cannot remove the cgroup of " + owner + ": " + e.getMessage(), e);
        }
        CgroupKill.killAll(cgroups.directories(cgroup));
        sleep(20);
      }
    }
  }

  /** Deletes dir; refuses when mountPoint is still a mount (the overlay would be written through). */
  private static void deleteTree(Path dir, Path mountPoint) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (mountPoint != null && Files.exists(mountPoint)
        && !Files.getAttribute(mountPoint, "unix:dev").equals(Files.getAttribute(dir, "unix:dev"))) {
      throw new IOException("rootfs " + mountPoint + " is still mounted; not deleting " + dir);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Emits STOPPED for the container unless its exit was announced already. */
  public void announceExit(ContainerRecord record) {
    if (exitAnnounced.add(record.id())) {
      emit(ContainerEvent.Type.STOPPED, record);
    }
  }

  /** Whether the container's exit was announced; recovery marks containers found exited as announced. */
  public boolean exitAnnounced(String id) {
    return exitAnnounced.contains(id);
  }

  public void markExitAnnounced(String id) {
    exitAnnounced.add(id);
  }

  void emit(ContainerEvent.Type type, ContainerRecord record) {
    Instant now = clock.instant();
    try {
      events.onEvent(new ContainerEvent(type, record.id(), record.podId(),
          now.getEpochSecond() * 1_000_000_000L + now.getNano()));
    } catch (RuntimeException e) {
      LOG.warn("Container event listener failed on {} of container {}: {}", type, record.shortId(), e.toString());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
