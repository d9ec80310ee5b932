package dev.skiff.runtime.network;

import java.io.IOException;

/** A network step that failed, naming the command or the resource. */
public final class NetworkException extends IOException {
  public enum Kind { FAILED, EXHAUSTED, CONFLICT, INVALID }

  private final Kind kind;

  public NetworkException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
