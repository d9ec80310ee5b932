package dev.skiff.runtime.container;

/** A container operation failed; {@link #kind()} tells the CRI layer which gRPC code fits. */
public final class ContainerException extends Exception {
  public enum Kind { INVALID, NOT_FOUND, PRECONDITION, START_FAILED, INTERNAL }

  private final Kind kind;

  public ContainerException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ContainerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ContainerException invalid(String message) {
    return new ContainerException(Kind.INVALID, message);
  }
}
