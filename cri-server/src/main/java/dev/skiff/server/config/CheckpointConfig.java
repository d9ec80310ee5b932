package dev.skiff.server.config;

/**
 * [checkpoint]: CheckpointContainer (kubelet's forensic checkpoints, crictl checkpoint).
 * criu_path is the CRIU executable: a name looked up on PATH and the system directories
 * ("criu", the default) or an absolute path. default_timeout_seconds applies when a request's
 * timeout is 0.
 */
public record CheckpointConfig(String criuPath, long defaultTimeoutSeconds) {
  public static final long DEFAULT_TIMEOUT_SECONDS = 240;

  public CheckpointConfig {
    criuPath = criuPath == null ? "criu" : criuPath;
  }

  void validate() {
    if (criuPath.isEmpty() || (criuPath.contains("/") && !criuPath.startsWith("/"))) {
      throw new ConfigException("checkpoint.criu_path", "must be a program name or an absolute path, not '"
          + criuPath + "'");
    }
    if (defaultTimeoutSeconds < 1) {
      throw new ConfigException("checkpoint.default_timeout_seconds", "must be 1 or more, not "
          + defaultTimeoutSeconds);
    }
  }
}
