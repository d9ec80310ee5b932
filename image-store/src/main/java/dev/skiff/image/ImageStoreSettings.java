package dev.skiff.image;

import dev.skiff.image.registry.RegistryHost;
import dev.skiff.image.unpack.UnpackBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the image store is configured with. {@code root} holds blobs, ingest,
 * snapshots and the index; registries are keyed by host as references name them;
 * {@code unpackLimits} bound what one layer may unpack to; {@code pinnedImages} are the
 * patterns of images reported as pinned.
 */
public record ImageStoreSettings(
    Path root,
    Map<String, RegistryHost> registries,
    Set<String> insecureRegistries,
    Duration stallTimeout,
    int maxConcurrentDownloads,
    Duration progressInterval,
    UnpackBudget.Limits unpackLimits,
    List<String> pinnedImages) {

  /** 32 GiB: above the largest real layers (CUDA, ML toolchains), far below what fills a node's disk unnoticed. */
  public static final long DEFAULT_MAX_LAYER_UNPACKED_BYTES = 32L << 30;
  /** 1 GiB kept free on the store's filesystem, so a pull never takes the node's last bytes. */
  public static final long DEFAULT_FREE_SPACE_RESERVE_BYTES = 1L << 30;
  public static final UnpackBudget.Limits DEFAULT_UNPACK_LIMITS =
      new UnpackBudget.Limits(DEFAULT_MAX_LAYER_UNPACKED_BYTES, DEFAULT_FREE_SPACE_RESERVE_BYTES);

  public ImageStoreSettings {
    registries = Map.copyOf(registries);
    insecureRegistries = Set.copyOf(insecureRegistries);
    pinnedImages = List.copyOf(pinnedImages);
    if (maxConcurrentDownloads < 1) {
      throw new IllegalArgumentException("maxConcurrentDownloads must be at least 1");
    }
  }

  /** Default unpack limits and no pinned images. */
  public ImageStoreSettings(Path root, Map<String, RegistryHost> registries, Set<String> insecureRegistries,
      Duration stallTimeout, int maxConcurrentDownloads, Duration progressInterval) {
    this(root, registries, insecureRegistries, stallTimeout, maxConcurrentDownloads, progressInterval,
        DEFAULT_UNPACK_LIMITS, List.of());
  }

  public static ImageStoreSettings defaults(Path root) {
    return new ImageStoreSettings(root, Map.of(), Set.of(), Duration.ofSeconds(30), 3, Duration.ofSeconds(10));
  }
}
