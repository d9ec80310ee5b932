package dev.skiff.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What the build stamped into the jar. */
public final class BuildInfo {
  private BuildInfo() {}

  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/skiff-build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
