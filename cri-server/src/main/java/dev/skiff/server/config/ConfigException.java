package dev.skiff.server.config;

/** A configuration problem, always naming the key at fault. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("config key " + key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
