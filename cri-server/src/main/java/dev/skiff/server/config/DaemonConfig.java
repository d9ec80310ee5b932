package dev.skiff.server.config;

import java.util.Set;

/** [daemon]: where skiffd listens and keeps its state. */
public record DaemonConfig(String socket, String stateDir, String runDir, String logLevel) {
  static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  void validate() {
    ConfigChecks.absolutePath("daemon.socket", socket);
    ConfigChecks.absolutePath("daemon.state_dir", stateDir);
    ConfigChecks.absolutePath("daemon.run_dir", runDir);
    if (logLevel == null || !LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException(
          "daemon.log_level", "must be one of trace, debug, info, warn, error, not '" + logLevel + "'");
    }
    // A unix socket path must fit sockaddr_un.sun_path (108 bytes with the NUL).
    if (socket.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
      throw new ConfigException("daemon.socket", "is longer than the 107 bytes a unix socket path may have");
    }
  }
}
