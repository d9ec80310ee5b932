package dev.skiff.runtime.checkpoint;

import java.time.Duration;

/** The moment a checkpoint must be done by; every step asks it before starting. */
public record Deadline(long atNanos, Duration timeout) {
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
  }

  public boolean passed() {
    return System.nanoTime() - atNanos >= 0;
  }

  /** Throws DEADLINE naming the step that could not start in time. */
  public void check(String step) throws CheckpointException {
    if (passed()) {
      throw expired(step);
    }
  }

  public CheckpointException expired(String step) {
    return new CheckpointException(CheckpointException.Kind.DEADLINE,
        "checkpoint timed out after " + timeout.toSeconds() + " s while " + step);
  }
}
