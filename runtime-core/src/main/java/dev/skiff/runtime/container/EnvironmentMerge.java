package dev.skiff.runtime.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process environment: the image's ENV, then the container config's (a key given again
 * replaces the earlier value in place), then HOSTNAME when the pod has one.
 */
public final class EnvironmentMerge {
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private EnvironmentMerge() {}

  public static List<String> merge(List<String> imageEnv, List<String> configEnv, String hostname)
      throws ContainerException {
    Map<String, String> merged = new LinkedHashMap<>();
    for (String entry : imageEnv) {
      put(merged, entry, "image");
    }
    for (String entry : configEnv) {
      put(merged, entry, "container config");
    }
    if (!merged.containsKey("PATH")) {
      merged.put("PATH", DEFAULT_PATH.substring("PATH=".length()));
    }
    if (hostname != null && !hostname.isEmpty()) {
      merged.put("HOSTNAME", hostname);
    }
    List<String> env = new ArrayList<>();
    merged.forEach((key, value) -> env.add(key + "=" + value));
    return List.copyOf(env);
  }

  private static void put(Map<String, String> env, String entry, String from) throws ContainerException {
    int eq = entry.indexOf('=');
    String key = eq < 0 ? entry : entry.substring(0, eq);
    if (key.isEmpty() || entry.indexOf('\0') >= 0) {
      throw ContainerException.invalid("invalid environment entry '" + entry + "' in the " + from);
    }
    env.put(key, eq < 0 ? "" : entry.substring(eq + 1));
  }
}
