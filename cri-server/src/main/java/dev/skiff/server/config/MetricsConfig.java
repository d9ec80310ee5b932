package dev.skiff.server.config;

/**
 * [metrics]: skiffd's own Prometheus endpoint (GET /metrics). Off while address is "";
 * "HOST:PORT" (an IP literal; IPv6 in brackets, "[::1]:9090") turns it on. Port 0 picks a
 * free port at start (tests use it; the chosen address is logged and written to
 * RUN_DIR/metrics-address).
 */
public record MetricsConfig(String address) {
  public MetricsConfig {
    address = address == null ? "" : address;
  }

  void validate() {
    if (address.isEmpty()) {
      return;
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException("metrics.address", "must be HOST:PORT (e.g. \"127.0.0.1:9090\") or \"\" for off, not '"
          + address + "'");
    }
    String host = host();
    if (!IpLiterals.isIpLiteral(host)) {
      throw new ConfigException("metrics.address", "host must be an IPv4 or bracketed IPv6 address, not '" + host + "'");
    }
    String port = address.substring(colon + 1);
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ConfigException("metrics.address", "port must be between 0 (any free port) and 65535, not '"
          + port + "'");
    }
  }

  public boolean enabled() {
    return !address.isEmpty();
  }

  /** The IP literal, without IPv6 brackets. */
  public String host() {
    String host = address.substring(0, address.lastIndexOf(':'));
    if (host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host.contains(":") ? "[invalid]" : host;
  }

  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
