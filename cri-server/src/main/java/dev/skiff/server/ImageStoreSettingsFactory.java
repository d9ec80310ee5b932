package dev.skiff.server;

import dev.skiff.image.ImageStoreSettings;
import dev.skiff.image.registry.RegistryHost;
import dev.skiff.image.unpack.UnpackBudget;
import dev.skiff.server.config.RegistryConfig;
import dev.skiff.server.config.SkiffConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the [image] and [registries."HOST"] tables into the image store's settings. */
final class ImageStoreSettingsFactory {
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);

  private ImageStoreSettingsFactory() {}

  static ImageStoreSettings from(SkiffConfig config, Path stateDir) {
    Map<String, RegistryHost> hosts = new LinkedHashMap<>();
    config.registries().forEach((host, registry) -> hosts.put(host, toHost(registry)));
    return new ImageStoreSettings(
        stateDir.resolve("images"),
        hosts,
        new HashSet<>(config.image().insecureRegistries()),
        Duration.ofSeconds(config.image().stallTimeoutSeconds()),
        config.image().maxConcurrentDownloads(),
        PROGRESS_INTERVAL,
        new UnpackBudget.Limits(config.image().maxLayerUnpackedBytes(), config.image().freeSpaceReserveBytes()),
        config.image().pinnedImages());
  }

  private static RegistryHost toHost(RegistryConfig registry) {
    return new RegistryHost(
        registry.mirrors().stream().map(URI::create).toList(),
        registry.plainHttp(),
        registry.skipVerify(),
        registry.caFile() == null || registry.caFile().isEmpty() ? null : Path.of(registry.caFile()));
  }
}
