package dev.skiff.server.state;

import dev.skiff.runtime.container.Bundle;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.ExecLeftovers;
import dev.skiff.runtime.container.OverlayRootfs;
import dev.skiff.runtime.container.ShimLauncher;
import dev.skiff.runtime.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container recovery at start, before the socket listens, after the pods'. Assumptions:
 * records are written before anything is built (CreateContainer), the bundle names the
 * container's cgroup before the cgroup is made, the shim writes its state file before it
 * reports, shims (and exec shims) outlive skiffd, and a container never outlives its pod (as
 * in containerd and CRI-O). So, per record:
 * <ul>
 *   <li>its pod is not among the recovered pods (the pod record was lost or unreadable, and
 *       pod recovery swept its directory as an orphan): the container is killed and released
 *       (mount, cgroup, directories) and its record dropped;</li>
 *   <li>bundle with a shim state file: re-adopt the shim; the container is whatever its files
 *       say (a container that exited meanwhile shows its real exit code). The output files of
 *       ExecSync calls cut short by the crash are deleted, unless their exec shim still runs;</li>
 *   <li>no shim state: the create never finished (crash), or the host rebooted and the run
 *       directory is gone: release what exists (mount, cgroup, directories), drop the record.
 *       A shim that is still creating (its control socket exists, its state file not yet: it
 *       outlived the crashed skiffd and is setting the container up) is waited for first, so
 *       recovery never deletes the bundle under a shim that is about to report.</li>
 * </ul>
 * Then bundles and writable layers that no record names (a crash while removing, or a record
 * lost or unreadable) are killed, unmounted, their cgroup (named in the bundle) removed, and
 * deleted. One bad item is logged and never stops the others.
 */
public final class ContainerRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRecovery.class);
  /** How long a shim that outlived the crash may take to finish a create. */
  private static final Duration SHIM_SETTLING = Duration.ofSeconds(10);

  /** The containers part's teardown, as recovery needs it. */
  public interface Release {
    /** Releases a record's mount, cgroup and directories. */
    void release(ContainerRecord record) throws IOException;

    /** Kills what is left in a container's cgroup and removes it (gone is fine). */
    void removeCgroup(String cgroup, String owner) throws IOException;
  }

  /** What an orphan bundle's cgroup file may name: a container cgroup below a pod's, for that bundle. */
  private static final Pattern CONTAINER_CGROUP = Pattern.compile("(?:[^/\\s]+/)*pod-[0-9a-f]{64}/ctr-([0-9a-f]{64})");

  private ContainerRecovery() {}

  /** @param pods the ids of the recovered pods */
  public static void run(ContainerStore store, ShimLauncher launcher, Release release, Path bundles, Path layers,
      Set<String> pods) throws IOException {
    run(store, launcher, release, bundles, layers, pods, SHIM_SETTLING);
  }

  static void run(ContainerStore store, ShimLauncher launcher, Release release, Path bundles, Path layers,
      Set<String> pods, Duration shimSettling) throws IOException {
    List<ContainerRecord> records = store.loadFromDisk();
    Set<Path> kept = new HashSet<>();
    ExecLeftovers execLeftovers = new ExecLeftovers();
    int running = 0;
    int recovered = 0;
    for (ContainerRecord record : records) {
      try {
        Bundle bundle = new Bundle(Path.of(record.bundleDir()));
        awaitShimStillCreating(bundle, shimSettling);
        if (!pods.contains(record.podId())) {
          LOG.warn("Removing container {} ({}): its pod sandbox {} is gone", record.shortId(),
              record.metadata().name(), record.podId().length() > 12 ? record.podId().substring(0, 12) : record.podId());
          if (Files.exists(bundle.stateFile())) {
            launcher.adopt(bundle).stop(Processes.SIGKILL, Duration.ZERO);
          }
          release.release(record);
          store.remove(record);
          continue;
        }
        if (Files.exists(bundle.stateFile())) {
          ContainerProcess process = launcher.adopt(bundle);
          int stale = execLeftovers.clean(bundle);
          if (stale > 0) {
            LOG.info("Deleted {} files of ExecSync calls cut short in container {}", stale, record.shortId());
          }
          store.publish(record, process);
          kept.add(Path.of(record.bundleDir()));
          kept.add(Path.of(record.layerDir()));
          recovered++;
          running += process.phase() == ContainerProcess.Phase.RUNNING ? 1 : 0;
        } else {
          LOG.info("Cleaning up container {} ({}): it has no shim (unfinished create or reboot)", record.shortId(),
              record.metadata().name());
          release.release(record);
          store.remove(record);
        }
      } catch (Exception e) {
        kept.add(Path.of(record.bundleDir()));
        kept.add(Path.of(record.layerDir()));
        if (!pods.contains(record.podId())) {
          // Never listed under a pod that does not exist; its record stays for the next start to retry.
          LOG.error("Cannot remove container {} of a pod sandbox that is gone (retried at the next start): {}",
              record.shortId(), e.toString());
          continue;
        }
        LOG.error("Cannot recover container {}: {}", record.shortId(), e.toString());
        store.publish(record, null);
      }
    }
    cleanOrphans(launcher, release, bundles, kept);
    cleanOrphans(null, release, layers, kept);
    LOG.info("Recovered {} containers ({} running)", recovered, running);
  }

  /**
   * The monitor opens its control socket before it sets the container up and writes its
   * state file after; it removes the socket when setup fails. Socket without state file: a
   * create still under way, which ends one way or the other within moments.
   */
  private static void awaitShimStillCreating(Bundle bundle, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean logged = false;
    while (!Files.exists(bundle.stateFile()) && Files.exists(bundle.socket()) && System.nanoTime() < deadline) {
      if (!logged) {
        LOG.info("Waiting for the shim in {} to finish creating its container", bundle.dir());
        logged = true;
      }
      Thread.sleep(10);
    }
  }

  private static void cleanOrphans(ShimLauncher launcher, Release release, Path parent, Set<Path> kept) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        if (kept.contains(dir)) {
          continue;
        }
        try {
          LOG.info("Deleting orphan container directory {}", dir);
          if (launcher != null) {
            Bundle bundle = new Bundle(dir);
            if (Files.exists(bundle.stateFile())) {
              launcher.adopt(bundle).stop(Processes.SIGKILL, Duration.ZERO);
            }
            if (Files.exists(bundle.rootfs())) {
              OverlayRootfs.unmount(bundle.rootfs());
            }
            String cgroup = cgroupOf(bundle);
            if (cgroup != null) {
              release.removeCgroup(cgroup, "orphan container " + dir.getFileName());
            }
          }
          deleteTree(dir);
        } catch (Exception e) {
          LOG.error("Cannot delete orphan container directory {}: {}", dir, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.error("Cannot list {}: {}", parent, e.toString());
    }
  }

  /**
   * The cgroup the bundle names, or null: none written (the crash came first, so none was
   * made), or a path that is not this bundle's container cgroup (never trusted: removing a
   * cgroup kills what is in it).
   */
  private static String cgroupOf(Bundle bundle) throws IOException {
    if (!Files.exists(bundle.cgroupFile())) {
      return null;
    }
    String cgroup = Files.readString(bundle.cgroupFile()).strip();
    if (cgroup.isEmpty()) {
      return null;
    }
    Matcher matcher = CONTAINER_CGROUP.matcher(cgroup);
    if (!matcher.matches() || !matcher.group(1).startsWith(bundle.dir().getFileName().toString())
        || cgroup.contains("..")) {
      LOG.error("Orphan bundle {} names cgroup '{}', which is not its container's; leaving it", bundle.dir(), cgroup);
      return null;
    }
    return cgroup;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
