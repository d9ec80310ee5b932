package dev.skiff.server.config;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.PinnedImages;
import java.util.List;

/**
 * [image]: insecure_registries are HOST:PORT names reached over plain HTTP;
 * stall_timeout_seconds cancels a pull when no byte arrives for that long;
 * max_concurrent_downloads bounds the layers fetched at once per pull;
 * max_layer_unpacked_bytes caps what one layer may decompress to (decompression bombs);
 * free_space_reserve_bytes stops an unpack when the store's filesystem has less free (0: off);
 * pinned_images are reported pinned (exact references or ids, or a prefix ending in '*').
 */
public record ImageConfig(List<String> insecureRegistries, int stallTimeoutSeconds, int maxConcurrentDownloads,
    long maxLayerUnpackedBytes, long freeSpaceReserveBytes, List<String> pinnedImages) {
  public ImageConfig {
    insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    pinnedImages = pinnedImages == null ? List.of() : List.copyOf(pinnedImages);
  }

  void validate() {
    for (String host : insecureRegistries) {
      ConfigChecks.registryHost("image.insecure_registries", host);
    }
    if (stallTimeoutSeconds < 1) {
      throw new ConfigException("image.stall_timeout_seconds", "must be at least 1");
    }
    if (maxConcurrentDownloads < 1 || maxConcurrentDownloads > 64) {
      throw new ConfigException("image.max_concurrent_downloads", "must be between 1 and 64");
    }
    if (maxLayerUnpackedBytes < 1) {
      throw new ConfigException("image.max_layer_unpacked_bytes", "must be at least 1");
    }
    if (freeSpaceReserveBytes < 0) {
      throw new ConfigException("image.free_space_reserve_bytes", "must not be negative (0 turns the check off)");
    }
    try {
      new PinnedImages(pinnedImages);
    } catch (ImageStoreException e) {
      throw new ConfigException("image.pinned_images", e.getMessage());
    }
  }
}
