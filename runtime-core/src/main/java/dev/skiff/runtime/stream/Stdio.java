package dev.skiff.runtime.stream;

/**
 * Which standard streams a streaming session carries. With {@code tty} there is no separate
 * stderr (the CRI forbids asking for both), and the process sees a terminal.
 */
public record Stdio(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  public Stdio {
    if (tty && stderr) {
      throw new IllegalArgumentException("tty and stderr cannot both be set: a terminal has one output");
    }
  }
}
