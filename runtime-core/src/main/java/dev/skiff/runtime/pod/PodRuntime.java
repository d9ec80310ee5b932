package dev.skiff.runtime.pod;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupException;
import dev.skiff.runtime.container.PodPidInit;
import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.linux.Namespaces;
import dev.skiff.runtime.network.NetworkException;
import dev.skiff.runtime.network.PodNetwork;
import dev.skiff.runtime.network.Subnet;
import dev.skiff.runtime.userns.PodUserNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of pod sandboxes. Layout of one pod under the run directory:
 * <pre>
 *   RUN_DIR/pods/ID/ns/{net,ipc,uts}   pinned namespaces (bind mounts of nsfs files)
 *   RUN_DIR/pods/ID/ns/user            the pod's own user namespace, which owns the others
 *   RUN_DIR/pods/ID/{hostname,hosts,resolv.conf}
 *   RUN_DIR/pods/ID/shm                 tmpfs, the pod's /dev/shm
 *   RUN_DIR/pods/ID/cgroup              the pod's cgroup path, written before anything is built
 * </pre>
 * Lifecycle: create -> (READY) -> stop (network torn down) -> remove (everything else).
 * Every step of create pushes its undo; stop and remove tolerate anything already gone, so
 * they are safe on a half-created pod and safe to repeat.
 */
public final class PodRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(PodRuntime.class);
  static final String CGROUP_FILE = "cgroup";

  private final Path podsDir;
  private final PinnedNamespaces namespaces;
  private final PodFiles files;
  private final PodNetwork network;
  private final CgroupDriver cgroups;

  public PodRuntime(Path runDir, PinnedNamespaces namespaces, PodFiles files, PodNetwork network,
      CgroupDriver cgroups) {
    this.podsDir = runDir.resolve("pods");
    this.namespaces = namespaces;
    this.files = files;
    this.network = network;
    this.cgroups = cgroups;
  }

  public CgroupDriver cgroups() {
    return cgroups;
  }

  public PodNetwork network() {
    return network;
  }

  /** The pod's cgroup, relative to skiff's cgroup root. */
  public static String cgroupOf(PodSpec spec) {
    String parent = spec.cgroupParent().replaceAll("^/+", "").replaceAll("/+$", "");
    String leaf = "pod-" + spec.id();
    return parent.isEmpty() ? leaf : parent + "/" + leaf;
  }

  /** Checks what can be checked before any side effect, so bad input changes nothing. */
  public static void check(PodSpec spec) throws PodSetupException {
    Sysctls.check(spec);
    if (spec.dns() != null) {
      PodFiles.check(spec.dns());
    }
    if (!spec.hostname().isEmpty() && !spec.hostname().matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})")) {
      throw PodSetupException.invalid("hostname '" + spec.hostname() + "' is not a valid host name");
    }
    String parent = spec.cgroupParent();
    if (parent.contains("..") || !parent.matches("[A-Za-z0-9_./:@-]*")) {
      throw PodSetupException.invalid("cgroup_parent '" + parent + "' is not a cgroup path below skiff's root");
    }
    if (spec.shmSizeBytes() <= 0) {
      throw PodSetupException.invalid("shm size " + spec.shmSizeBytes() + " must be positive");
    }
    if (!spec.privateNetwork() && !spec.portMappings().isEmpty()) {
      // A host-network pod's ports are the host's already; mapping them is meaningless.
      LOG.debug("Ignoring port mappings of host-network pod {}", spec.id().shortId());
    }
    for (var port : spec.portMappings()) {
      try {
        port.check();
      } catch (IllegalArgumentException e) {
        throw PodSetupException.invalid(e.getMessage());
      }
    }
  }

  /**
   * Creates the pod: namespaces, hostname, sysctls, network, files, /dev/shm, cgroup. On any
   * failure everything done so far is undone and the error says which step failed.
   */
  public PodSandbox create(PodSpec spec, Subnet subnet) throws Exception {
    check(spec);
    Path dir = podsDir.resolve(spec.id().value());
    Rollback rollback = new Rollback("pod " + spec.id().shortId());
    try {
      Files.createDirectories(dir);
      rollback.push("pod directory " + dir, () -> deleteTree(dir));
      // The record is persisted only once the pod is built: a crash before then leaves this
      // directory as the only trace, so it names the one thing not found below it, the cgroup.
      Files.writeString(dir.resolve(CGROUP_FILE), cgroupOf(spec));

      String hostname = spec.hostname().isEmpty() ? hostHostname() : spec.hostname();
      Map<String, Path> pinned = namespaces.create(dir.resolve("ns"), spec.privateNetwork(), spec.privateIpc(),
          spec.privateUts(), spec.userns(), rollback, () -> {
            if (spec.privateUts()) {
              Namespaces.sethostname(hostname);
            }
            Sysctls.apply(Path.of("/proc/sys"), spec.sysctls());
          });

      PodNetwork.Attachment attachment = null;
      if (spec.privateNetwork()) {
        attachment = network.attach(spec.id().value(), pinned.get("net"), subnet, spec.portMappings());
        PodNetwork.Attachment attached = attachment;
        rollback.push("pod network", () -> network.detach(spec.id().value(), attached.ip(), attached.hostVeth(),
            spec.portMappings()));
      }
      String address = attachment == null ? null : attachment.ip().substring(0, attachment.ip().indexOf('/'));
      files.write(dir, hostname, address, spec.dns());

      Path shm = dir.resolve("shm");
      if (spec.privateIpc()) {
        ShmMount.mount(shm, spec.shmSizeBytes());
        rollback.push("shm " + shm, () -> ShmMount.unmount(shm));
      }

      String cgroup = cgroupOf(spec);
      rollback.push("cgroup " + cgroup, () -> cgroups.remove(cgroup));
      cgroups.create(cgroup, spec.limits());

      rollback.commit();
      return new PodSandbox(spec.id(), dir.toString(), pathOrNull(pinned.get("net")), pathOrNull(pinned.get("ipc")),
          pathOrNull(pinned.get("uts")), spec.pid(), dir.resolve("hostname").toString(),
          dir.resolve("hosts").toString(), dir.resolve("resolv.conf").toString(),
          spec.privateIpc() ? shm.toString() : "/dev/shm", cgroup,
          attachment == null ? null : attachment.ip(), attachment == null ? null : attachment.hostVeth(),
          spec.privateNetwork() ? spec.portMappings() : java.util.List.of(),
          spec.userns() == null ? null : new PodUserNamespace(pinned.get("user").toString(), spec.userns()));
    } catch (Exception e) {
      rollback.undoAll();
      throw e;
    }
  }

  /** Tears the network down (ports, veth, address). Safe to repeat and on a half-created pod. */
  public PodSandbox stop(PodSandbox pod) throws NetworkException {
    if (pod.netns() != null) {
      network.detach(pod.id().value(), pod.ip(), pod.hostVeth(), pod.portMappings());
    }
    return pod.withoutNetwork();
  }

  /** Removes everything else: namespaces, /dev/shm, files, cgroup. Safe to repeat. */
  public void remove(PodSandbox pod) throws IOException {
    stop(pod);
    Path dir = Path.of(pod.directory());
    for (String ns : new String[] {pod.netns(), pod.ipcns(), pod.utsns()}) {
      if (ns != null) {
        PinnedNamespaces.unpin(Path.of(ns));
      }
    }
    // The user namespace last: the others belong to it.
    if (pod.userns() != null) {
      PinnedNamespaces.unpin(Path.of(pod.userns().path()));
    }
    if (pod.shmDirectory() != null && pod.shmDirectory().startsWith(dir.toString())) {
      ShmMount.unmount(Path.of(pod.shmDirectory()));
    }
    try {
      cgroups.remove(pod.cgroup());
    } catch (CgroupException e) {
      throw new IOException("cannot remove the cgroup of pod " + pod.id().shortId() + ": " + e.getMessage(), e);
    }
    deleteTree(dir);
  }

  /**
   * Tears down every pod directory that {@code knownIds} (the pods that have a record) does
   * not name: what a crash during RunPodSandbox, before the record was written, left behind.
   * Such a pod never had a container. Its veth goes with its network namespace, its address
   * with IPAM reconciliation, its host ports with the nftables table rebuilt at start.
   * Returns how many were removed; one that cannot be is logged and left for the next start.
   */
  public int removeOrphans(Set<String> knownIds) throws IOException {
    if (!Files.isDirectory(podsDir)) {
      return 0;
    }
    List<Path> orphans;
    try (Stream<Path> entries = Files.list(podsDir)) {
      orphans = entries.filter(dir -> !knownIds.contains(dir.getFileName().toString())).toList();
    }
    int removed = 0;
    for (Path dir : orphans) {
      try {
        removeOrphan(dir);
        removed++;
      } catch (Exception e) {
        LOG.error("Cannot remove the half-created pod in {}: {}", dir, e.toString());
      }
    }
    return removed;
  }

  private void removeOrphan(Path dir) throws IOException, CgroupException, NetworkException {
    String id = dir.getFileName().toString();
    LOG.info("Removing half-created pod sandbox {}: no record names it (crash during RunPodSandbox)", id);
    if (id.length() >= 12) {
      network.detach(id, null, PodNetwork.hostVethName(id), List.of());
    }
    Path nsDir = dir.resolve("ns");
    // The user namespace last: it owns the others.
    for (String kind : new String[] {"net", "ipc", "uts", "user"}) {
      Path file = nsDir.resolve(kind);
      while (Mounts.unmount(file.toString(), Mounts.MNT_DETACH)) {
        // a pin made twice is unmounted twice
      }
    }
    Path shm = dir.resolve("shm");
    while (Mounts.unmount(shm.toString(), Mounts.MNT_DETACH)) {
      // as above
    }
    Path cgroupFile = dir.resolve(CGROUP_FILE);
    String cgroup = Files.exists(cgroupFile) ? Files.readString(cgroupFile).strip() : "";
    if (!cgroup.isEmpty()) {
      // A pod swept because its record was lost may have had a PID namespace init (in a leaf of its cgroup).
      PodPidInit.stop(dir, cgroups, cgroup);
      cgroups.remove(cgroup);
    }
    deleteTree(dir);
  }

  private static String pathOrNull(Path path) {
    return path == null ? null : path.toString();
  }

  private static String hostHostname() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
  }

  /** Deletes the pod directory; refuses to follow into mounts that are still there. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
