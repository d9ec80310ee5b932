package dev.skiff.runtime.checkpoint;

/** A checkpoint could not be made; {@link #kind()} tells the CRI layer which gRPC code fits. */
public final class CheckpointException extends Exception {
  /**
   * INVALID: the location asked for cannot hold an archive. UNSUPPORTED: CRIU is missing, too
   * old or cannot work on this kernel. DEADLINE: the timeout passed. DUMP_FAILED: CRIU ran and
   * failed (the message carries the tail of its log). INTERNAL: skiffd's own files.
   */
  public enum Kind { INVALID, UNSUPPORTED, DEADLINE, DUMP_FAILED, INTERNAL }

  private final Kind kind;

  public CheckpointException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public CheckpointException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
