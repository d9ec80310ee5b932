package dev.skiff.runtime.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The archive's JSON files besides CRIU's images, in the shapes checkpointctl, CRI-O and
 * containerd read: config.dump (checkpointctl's ContainerConfig: id, name, rootfsImage,
 * rootfsImageRef, rootfsImageName, runtime, createdTime, checkpointedTime, restoredTime,
 * restored), spec.dump (the bundle's config.json as it is), status.dump (the CRI
 * ContainerStatus, as containerd writes it), bind.mounts (CRI-O: each bind's source,
 * destination, file_type and permissions, so a restore can make a missing source of the
 * right kind), deleted.files (the paths the container deleted from its image).
 */
final class CheckpointMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Go's zero time.Time, which checkpointctl expects for "never restored". */
  private static final String GO_ZERO_TIME = "0001-01-01T00:00:00Z";

  private CheckpointMetadata() {}

  static byte[] configDump(CheckpointedContainer container, Instant checkpointedAt) throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("id", container.id());
    config.put("name", container.name());
    config.put("rootfsImage", container.image());
    config.put("rootfsImageRef", container.imageRef());
    config.put("rootfsImageName", container.image());
    config.put("runtime", container.runtime());
    config.put("createdTime", container.createdAt().toString());
    config.put("checkpointedTime", checkpointedAt.toString());
    config.put("restoredTime", GO_ZERO_TIME);
    config.put("restored", false);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
  }

  /** The bind mounts of config.json (CRI-O's bind.mounts), or null when there are none. */
  static byte[] bindMounts(ObjectNode spec) throws IOException {
    ArrayNode binds = JSON.createArrayNode();
    for (var mount : spec.path("mounts")) {
      if (!mount.path("type").asText().equals("bind") || RootfsDiff.RUNTIME_MOUNT_POINTS.contains(
          mount.path("destination").asText())) {
        continue;
      }
      Path source = Path.of(mount.path("source").asText());
      if (!Files.exists(source)) {
        continue;
      }
      ObjectNode bind = binds.addObject();
      bind.put("source", source.toString());
      bind.put("destination", mount.path("destination").asText());
      bind.put("file_type", Files.isDirectory(source) ? "directory" : "file");
      bind.put("permissions", permissions(source));
    }
    return binds.isEmpty() ? null : JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(binds);
  }

  /** The destinations of config.json's bind mounts. */
  static Set<String> bindDestinations(ObjectNode spec) {
    Set<String> destinations = new LinkedHashSet<>();
    for (var mount : spec.path("mounts")) {
      if (mount.path("type").asText().equals("bind")) {
        destinations.add(mount.path("destination").asText());
      }
    }
    return destinations;
  }

  static byte[] deletedFiles(List<String> deleted) throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(deleted);
  }

  static ObjectNode readSpec(Path configJson) throws IOException {
    return (ObjectNode) JSON.readTree(configJson.toFile());
  }

  private static int permissions(Path source) throws IOException {
    return ((Integer) Files.getAttribute(source, "unix:mode")) & 0777;
  }
}
