package dev.skiff.server.it;

/** What a finished command printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** Fails with everything the command said when it did not exit 0. */
  public CommandResult orThrow(String what) {
    if (!ok()) {
      throw new AssertionError(what + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
    }
    return this;
  }
}
