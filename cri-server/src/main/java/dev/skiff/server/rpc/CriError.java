package dev.skiff.server.rpc;

/**
 * An error classified once, where it is detected; {@code grpc.ErrorMapper} turns the kind
 * into a gRPC code at the edge. Messages name the object at fault.
 */
public final class CriError extends RuntimeException {
  public enum Kind { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL }

  private final Kind kind;

  public CriError(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static CriError invalid(String message) {
    return new CriError(Kind.INVALID_ARGUMENT, message, null);
  }

  public static CriError notFound(String message) {
    return new CriError(Kind.NOT_FOUND, message, null);
  }

  public static CriError alreadyExists(String message) {
    return new CriError(Kind.ALREADY_EXISTS, message, null);
  }

  public static CriError precondition(String message) {
    return new CriError(Kind.FAILED_PRECONDITION, message, null);
  }

  public static CriError internal(String message, Throwable cause) {
    return new CriError(Kind.INTERNAL, message, cause);
  }

  /** Field checks shared by every RPC: a required message or string that is missing. */
  public static void require(boolean present, String field) {
    if (!present) {
      throw invalid(field + " is required");
    }
  }
}
