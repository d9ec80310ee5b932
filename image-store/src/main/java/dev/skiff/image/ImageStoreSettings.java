package dev.skiff.image;

import dev.skiff.image.registry.RegistryHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything the image store is configured with. {@code root} holds blobs, ingest,
 * snapshots and the index; registries are keyed by host as references name them.
 */
public record ImageStoreSettings(
    Path root,
    Map<String, RegistryHost> registries,
    Set<String> insecureRegistries,
    Duration stallTimeout,
    int maxConcurrentDownloads,
    Duration progressInterval) {

  public ImageStoreSettings {
    registries = Map.copyOf(registries);
    insecureRegistries = Set.copyOf(insecureRegistries);
    if (maxConcurrentDownloads < 1) {
      throw new IllegalArgumentException("maxConcurrentDownloads must be at least 1");
    }
  }

  public static ImageStoreSettings defaults(Path root) {
    return new ImageStoreSettings(root, Map.of(), Set.of(), Duration.ofSeconds(30), 3, Duration.ofSeconds(10));
  }
}
