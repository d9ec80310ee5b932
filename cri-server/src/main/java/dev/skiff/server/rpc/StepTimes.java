package dev.skiff.server.rpc;

/**
 * Wall-clock time of the named steps of one RPC, for a debug log line such as
 * {@code record 2.1 ms, cgroup 4.0 ms, shim 12.3 ms (total 18.4 ms)}.
 */
public final class StepTimes {
  private final long start = System.nanoTime();
  private long last = start;
  private final StringBuilder steps = new StringBuilder();

  /** Ends the step running since the previous mark (or since creation). */
  public void mark(String step) {
    long now = System.nanoTime();
    if (steps.length() > 0) {
      steps.append(", ");
    }
    steps.append(step).append(' ').append(millis(now - last)).append(" ms");
    last = now;
  }

  @Override
  public String toString() {
    return steps + " (total " + millis(System.nanoTime() - start) + " ms)";
  }

  private static String millis(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }
}
