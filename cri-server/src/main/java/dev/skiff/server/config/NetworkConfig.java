package dev.skiff.server.config;

/** [network]: the built-in bridge network. */
public record NetworkConfig(String bridge, String podCidr) {
  void validate() {
    // Linux interface names are at most 15 bytes (IFNAMSIZ - 1).
    if (bridge == null || !bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
      throw new ConfigException("network.bridge", "must be an interface name of 1 to 15 letters, digits, '_', '.' or '-'");
    }
    try {
      Ipv4Cidr.parse(podCidr);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("network.pod_cidr", e.getMessage());
    }
  }
}
