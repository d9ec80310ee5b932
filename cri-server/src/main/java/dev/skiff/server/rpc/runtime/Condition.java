package dev.skiff.server.rpc.runtime;

/** One readiness condition as Status reports it; reason and message explain a false. */
public record Condition(boolean ready, String reason, String message) {
  public static Condition ok() {
    return new Condition(true, "", "");
  }
}
