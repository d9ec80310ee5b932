package dev.skiff.runtime.checkpoint;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What the checkpoint of one running container needs from the CRI layer.
 *
 * @param id the container id
 * @param name the container's name (CRI metadata name)
 * @param pid its init process, as the host sees it
 * @param bundleDir the OCI bundle: config.json (becomes spec.dump) and rootfs/ (CRIU's --root)
 * @param upperDir the overlay's upper directory: the container's writable layer
 * @param logPath the CRI log file (becomes container.log), or null when it has none
 * @param image the image as the CRI asked for it
 * @param imageRef the image's id (config digest), what a restore pulls
 * @param runtime the runtime handler that runs it
 * @param createdAt when CreateContainer made it
 * @param statusJson the CRI ContainerStatus as JSON (containerd's status.dump), or null
 */
public record CheckpointedContainer(String id, String name, int pid, Path bundleDir, Path upperDir, Path logPath,
    String image, String imageRef, String runtime, Instant createdAt, byte[] statusJson) {

  public String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }
}
