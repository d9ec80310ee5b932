package dev.skiff.server.rpc.stats;

import java.util.Map;

/** The CRI's stats filters: ids match as prefixes (crictl passes truncated ids), every selector label must match. */
final class StatsFilters {
  private StatsFilters() {}

  static boolean labelsMatch(Map<String, String> labels, Map<String, String> selector) {
    for (var entry : selector.entrySet()) {
      if (!entry.getValue().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
