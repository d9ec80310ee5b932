package dev.skiff.runtime.pod;

/** A pod request the kernel side refuses, with a message naming the setting at fault. */
public final class PodSetupException extends Exception {
  public enum Reason { INVALID, CONFLICT, EXHAUSTED }

  private final Reason reason;

  public PodSetupException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static PodSetupException invalid(String message) {
    return new PodSetupException(Reason.INVALID, message);
  }
}
