package dev.skiff.server.state;

import dev.skiff.runtime.pod.NamespaceMode;
import java.util.List;
import java.util.Map;

/**
 * Everything skiff keeps about one container. It is written once, before the container is
 * built, so a crash at any later step leaves a record that recovery finds and cleans up;
 * only {@code resourcesJson} changes afterwards (UpdateContainerResources). The container's
 * state (created, running, exited, exit code) is not here: the shim's files in the bundle
 * are the truth for that, and survive skiffd.
 *
 * @param image the ImageSpec.image as the CRI gave it
 * @param imageId the id (config digest) of the image it resolved to
 * @param logPath pod log_directory + container log_path; empty when neither is set
 * @param bundleDir the OCI bundle (config.json, shim files, rootfs mount point)
 * @param layerDir holds the overlay's upper and work directories
 * @param cgroup the container's cgroup, relative to skiff's cgroup root
 * @param snapshots the image's snapshot directories, top first, pinned while this record exists
 * @param pidMode the PID namespace choice (POD: shared with the pod's other POD containers)
 * @param configJson the ContainerConfig as the CRI sent it (mounts, verbose status)
 * @param resourcesJson the LinuxContainerResources now applied
 */
public record ContainerRecord(
    String id,
    String podId,
    ContainerMetadata metadata,
    String image,
    String imageId,
    Map<String, String> labels,
    Map<String, String> annotations,
    long createdAtNanos,
    String logPath,
    String bundleDir,
    String layerDir,
    String cgroup,
    List<String> snapshots,
    int stopSignal,
    NamespaceMode pidMode,
    String configJson,
    String resourcesJson) {

  public ContainerRecord {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
    logPath = logPath == null ? "" : logPath;
  }

  public String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }

  public ContainerRecord withResources(String newResourcesJson) {
    return new ContainerRecord(id, podId, metadata, image, imageId, labels, annotations, createdAtNanos, logPath,
        bundleDir, layerDir, cgroup, snapshots, stopSignal, pidMode, configJson, newResourcesJson);
  }
}
