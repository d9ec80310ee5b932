package dev.skiff.server.config;

final class ConfigChecks {
  private ConfigChecks() {}

  static void absolutePath(String key, String value) {
    if (value == null || value.isEmpty()) {
      throw new ConfigException(key, "must be set");
    }
    if (!value.startsWith("/")) {
      throw new ConfigException(key, "must be an absolute path, not '" + value + "'");
    }
  }

  static void registryHost(String key, String value) {
    if (value == null || !value.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
      throw new ConfigException(key, "'" + value + "' is not HOST or HOST:PORT");
    }
  }
}
