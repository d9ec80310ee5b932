package dev.skiff.server.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and p90 lines for the benchmark commands, one row per step, in milliseconds. */
public final class Latencies {
  private Latencies() {}

  public static void header() {
    System.out.printf("%-18s %8s %8s%n", "step", "median", "p90");
  }

  public static void print(String step, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf("%-18s %8.2f %8.2f%n", step, percentile(sorted, 0.5) / 1e6, percentile(sorted, 0.9) / 1e6);
  }

  static long percentile(List<Long> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }
}
