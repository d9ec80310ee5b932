package dev.skiff.server.it;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses Prometheus text exposition into series ("name{labels}") to values, comments skipped. */
public final class PrometheusText {
  private PrometheusText() {}

  public static Map<String, Double> parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  /** The value of the one series named exactly so; fails naming what there is when it is missing. */
  public static double value(Map<String, Double> series, String name) {
    Double value = series.get(name);
    if (value == null) {
      throw new AssertionError("no series " + name + "; have " + series.keySet().stream()
          .filter(s -> s.startsWith(name.contains("{") ? name.substring(0, name.indexOf('{')) : name)).toList());
    }
    return value;
  }
}
