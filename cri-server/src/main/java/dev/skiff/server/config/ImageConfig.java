package dev.skiff.server.config;

import java.util.List;

/**
 * [image]: insecure_registries are HOST:PORT names reached over plain HTTP;
 * stall_timeout_seconds cancels a pull when no byte arrives for that long;
 * max_concurrent_downloads bounds the layers fetched at once per pull.
 */
public record ImageConfig(List<String> insecureRegistries, int stallTimeoutSeconds, int maxConcurrentDownloads) {
  public ImageConfig {
    insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
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
  }
}
