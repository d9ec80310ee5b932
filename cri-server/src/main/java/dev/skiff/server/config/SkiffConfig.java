package dev.skiff.server.config;

import dev.skiff.image.ImageStoreSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The effective configuration: one record per TOML table. */
public record SkiffConfig(
    DaemonConfig daemon,
    CgroupConfig cgroup,
    NetworkConfig network,
    ImageConfig image,
    StreamingConfig streaming,
    MetricsConfig metrics,
    CheckpointConfig checkpoint,
    Map<String, RegistryConfig> registries) {

  public SkiffConfig {
    registries = registries == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(registries));
  }

  public static SkiffConfig defaults() {
    return new SkiffConfig(
        new DaemonConfig("/run/skiff/skiff.sock", "/var/lib/skiff", "/run/skiff", "info"),
        new CgroupConfig("/skiff"),
        new NetworkConfig("skiff0", "10.88.0.0/16"),
        new ImageConfig(List.of(), 30, 3, ImageStoreSettings.DEFAULT_MAX_LAYER_UNPACKED_BYTES,
            ImageStoreSettings.DEFAULT_FREE_SPACE_RESERVE_BYTES, List.of()),
        new StreamingConfig("127.0.0.1", 0, 60, "", "", StreamingConfig.DEFAULT_IDLE_TIMEOUT_SECONDS),
        new MetricsConfig(""),
        new CheckpointConfig("criu", CheckpointConfig.DEFAULT_TIMEOUT_SECONDS),
        Map.of());
  }

  /** Checks every table; the first problem is thrown naming its key. */
  public SkiffConfig validate() {
    daemon.validate();
    cgroup.validate();
    network.validate();
    image.validate();
    streaming.validate();
    metrics.validate();
    checkpoint.validate();
    registries.forEach((host, registry) -> registry.validate("registries." + host));
    return this;
  }
}
