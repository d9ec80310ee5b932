package dev.skiff.server.config;

import java.net.URI;
import java.util.List;

/**
 * [registries."HOST"]: how skiff reaches one registry. mirrors are tried in order
 * (scheme://host[:port]), and nothing falls back to HOST itself when mirrors are set,
 * as containerd's hosts.toml with a server entry behaves.
 */
public record RegistryConfig(List<String> mirrors, Boolean plainHttp, Boolean skipVerify, String caFile) {
  // Every key of a registry table is optional; absent ones take these values.
  public RegistryConfig {
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    plainHttp = plainHttp != null && plainHttp;
    skipVerify = skipVerify != null && skipVerify;
    caFile = caFile == null ? "" : caFile;
  }

  void validate(String key) {
    for (String mirror : mirrors) {
      URI uri;
      try {
        uri = URI.create(mirror);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".mirrors", "'" + mirror + "' is not a URL");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(key + ".mirrors", "'" + mirror + "' must be http://HOST[:PORT] or https://HOST[:PORT]");
      }
    }
    if (caFile != null && !caFile.isEmpty()) {
      ConfigChecks.absolutePath(key + ".ca_file", caFile);
    }
  }
}
