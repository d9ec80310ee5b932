package dev.skiff.server.config;

/**
 * [streaming]: the exec/attach/port-forward server whose URLs the Exec, Attach and
 * PortForward RPCs return. address is an IP literal (kubelet must reach it; loopback by
 * default, as containerd's stream_server_address); port 0 picks a free port at start.
 * token_ttl_seconds is how long a returned URL stays usable (once). TLS is on when both
 * tls_cert_file and tls_key_file (PEM) are set; "" means unset. idle_timeout_seconds closes a
 * connection on which nothing moved for that long (0 = never; 4 h like kubelet and containerd).
 */
public record StreamingConfig(String address, int port, int tokenTtlSeconds, String tlsCertFile, String tlsKeyFile,
    long idleTimeoutSeconds) {
  public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 4 * 3600;

  public StreamingConfig {
    tlsCertFile = tlsCertFile == null ? "" : tlsCertFile;
    tlsKeyFile = tlsKeyFile == null ? "" : tlsKeyFile;
  }

  void validate() {
    if (address == null || !IpLiterals.isIpLiteral(address)) {
      throw new ConfigException("streaming.address", "must be an IPv4 or IPv6 address, not '" + address + "'");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("streaming.port", "must be between 0 (any free port) and 65535, not " + port);
    }
    if (tokenTtlSeconds < 1 || tokenTtlSeconds > 3600) {
      throw new ConfigException("streaming.token_ttl_seconds", "must be between 1 and 3600, not " + tokenTtlSeconds);
    }
    if (idleTimeoutSeconds < 0) {
      throw new ConfigException("streaming.idle_timeout_seconds", "must be 0 (never) or more, not " + idleTimeoutSeconds);
    }
    if (tlsCertFile.isEmpty() != tlsKeyFile.isEmpty()) {
      throw new ConfigException(tlsCertFile.isEmpty() ? "streaming.tls_cert_file" : "streaming.tls_key_file",
          "must be set together with the other of tls_cert_file and tls_key_file");
    }
    if (!tlsCertFile.isEmpty()) {
      ConfigChecks.absolutePath("streaming.tls_cert_file", tlsCertFile);
      ConfigChecks.absolutePath("streaming.tls_key_file", tlsKeyFile);
    }
  }

  public boolean tls() {
    return !tlsCertFile.isEmpty();
  }
}
