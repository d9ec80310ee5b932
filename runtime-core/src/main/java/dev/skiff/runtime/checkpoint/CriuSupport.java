package dev.skiff.runtime.checkpoint;

import java.nio.file.Path;

/**
 * What the probe found: the criu executable and its version, or why checkpoints cannot be
 * made on this node (problem names criu and the cause, for FAILED_PRECONDITION).
 */
public record CriuSupport(Path binary, String version, String problem) {
  static CriuSupport usable(Path binary, String version) {
    return new CriuSupport(binary, version, null);
  }

  static CriuSupport unusable(Path binary, String version, String problem) {
    return new CriuSupport(binary, version, problem);
  }

  public boolean isUsable() {
    return problem == null;
  }

  /** The binary to run, or UNSUPPORTED with the problem. */
  public Path require() throws CheckpointException {
    if (problem != null) {
      throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, problem);
    }
    return binary;
  }
}
