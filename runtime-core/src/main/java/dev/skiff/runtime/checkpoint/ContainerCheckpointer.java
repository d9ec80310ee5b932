package dev.skiff.runtime.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints a running container the way CRI-O and containerd do for Kubernetes' forensic
 * checkpoints (KEP-2008): CRIU dumps its process tree and leaves it running, and one tar at
 * the requested location holds, as they lay it out:
 * <pre>
 *   config.dump      checkpointctl's container config (id, name, image, runtime, times)
 *   spec.dump        the OCI runtime spec (the bundle's config.json)
 *   status.dump      the CRI ContainerStatus (containerd)
 *   bind.mounts      the bind mounts' sources and kinds (CRI-O)
 *   checkpoint/      CRIU's images (inventory.img, pstree.img, pages-*.img...) and descriptors.json
 *   rootfs-diff.tar  the writable layer's files
 *   deleted.files    the image files the container deleted
 *   container.log    the CRI log so far
 *   dump.log         CRIU's log; stats-dump: its timings
 * </pre>
 * Work happens in a staging directory under skiffd's state directory (removed afterwards,
 * and at start by {@link #cleanLeftovers}); the archive appears at its location only whole.
 */
public final class ContainerCheckpointer {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerCheckpointer.class);
  private static final Path PROC = Path.of("/proc");

  private final CriuProbe criu;
  private final Path stagingRoot;
  private final Clock clock;

  /** @param stagingRoot skiffd's own directory for checkpoints in progress (STATE_DIR/checkpoints) */
  public ContainerCheckpointer(CriuProbe criu, Path stagingRoot, Clock clock) {
    this.criu = criu;
    this.stagingRoot = stagingRoot;
    this.clock = clock;
  }

  /** Whether checkpoints can be made here, and if not why (criu missing, too old, unusable). */
  public CriuSupport support() {
    return criu.support();
  }

  /** The location's form and directory, before anything is done. */
  public static void checkLocation(Path location) throws CheckpointException {
    CheckpointArchive.checkLocation(location);
  }

  public void checkpoint(CheckpointedContainer container, Path location, Deadline deadline)
      throws CheckpointException {
    checkLocation(location);
    Path binary = criu.support().require();
    Path staging = stagingRoot.resolve(container.shortId() + "-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectories(staging.resolve("checkpoint"));
      ObjectNode spec = writeMetadata(container, staging);
      dump(binary, container, spec, staging, deadline);
      writeRootfsDiff(container, spec, staging, deadline);
      copyLog(container, staging);
      CheckpointArchive.write(staging, location, pendingDir(), deadline);
      LOG.info("Checkpointed container {} to {}", container.shortId(), location);
    } catch (IOException e) {
      throw new CheckpointException(CheckpointException.Kind.INTERNAL, "cannot checkpoint container "
          + container.shortId() + ": " + e.getMessage(), e);
    } finally {
      deleteTree(staging);
    }
  }

  /** At start: staging directories and half-written archives a crash left. */
  public void cleanLeftovers() throws IOException {
    CheckpointArchive.cleanPending(pendingDir());
    if (!Files.isDirectory(stagingRoot)) {
      return;
    }
    try (Stream<Path> entries = Files.list(stagingRoot)) {
      for (Path entry : entries.toList()) {
        if (!entry.equals(pendingDir())) {
          deleteTree(entry);
        }
      }
    }
  }

  private Path pendingDir() {
    return stagingRoot.resolve("pending");
  }

  private ObjectNode writeMetadata(CheckpointedContainer container, Path staging) throws IOException {
    Path configJson = container.bundleDir().resolve("config.json");
    ObjectNode spec = CheckpointMetadata.readSpec(configJson);
    Files.copy(configJson, staging.resolve("spec.dump"));
    Files.write(staging.resolve("config.dump"), CheckpointMetadata.configDump(container, clock.instant()));
    if (container.statusJson() != null) {
      Files.write(staging.resolve("status.dump"), container.statusJson());
    }
    byte[] binds = CheckpointMetadata.bindMounts(spec);
    if (binds != null) {
      Files.write(staging.resolve("bind.mounts"), binds);
    }
    return spec;
  }

  private void dump(Path binary, CheckpointedContainer container, ObjectNode spec, Path staging, Deadline deadline)
      throws IOException, CheckpointException {
    int pid = container.pid();
    String mountinfo;
    String status;
    try {
      mountinfo = Files.readString(PROC.resolve(pid + "/mountinfo"));
      status = Files.readString(PROC.resolve(pid + "/status"));
    } catch (IOException e) {
      throw new CheckpointException(CheckpointException.Kind.DUMP_FAILED, "container " + container.shortId()
          + " (pid " + pid + ") is gone: " + e.getMessage(), e);
    }
    List<String> external = ExternalMounts.of(MountInfo.parse(mountinfo), CheckpointMetadata.bindDestinations(spec));
    long netNs = ProcessNamespaces.inode(PROC, pid, "net");
    long pidNs = ProcessNamespaces.isPidNamespaceInit(status) ? 0 : ProcessNamespaces.inode(PROC, pid, "pid");
    Path images = staging.resolve("checkpoint");
    Files.writeString(images.resolve("descriptors.json"), ProcessNamespaces.descriptors(PROC, pid),
        StandardCharsets.UTF_8);
    CriuDumpRequest request = new CriuDumpRequest(pid, images, staging, container.bundleDir().resolve("rootfs"),
        netNs, pidNs, external, ProcessNamespaces.terminals(PROC, pid));
    CriuDump.run(binary, request, deadline, container.shortId());
  }

  private static void writeRootfsDiff(CheckpointedContainer container, ObjectNode spec, Path staging,
      Deadline deadline) throws IOException, CheckpointException {
    deadline.check("writing rootfs-diff.tar");
    Set<String> binds = CheckpointMetadata.bindDestinations(spec);
    List<String> deleted = RootfsDiff.write(container.upperDir(), binds, staging.resolve("rootfs-diff.tar"), deadline);
    if (!deleted.isEmpty()) {
      Files.write(staging.resolve("deleted.files"), CheckpointMetadata.deletedFiles(deleted));
    }
  }

  private static void copyLog(CheckpointedContainer container, Path staging) throws IOException {
    if (container.logPath() != null && Files.isRegularFile(container.logPath())) {
      Files.copy(container.logPath(), staging.resolve("container.log"));
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove checkpoint staging directory {}: {}", root, e.getMessage());
    }
  }
}
