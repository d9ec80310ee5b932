package dev.skiff.runtime.stream;

/** A terminal window size in characters, as TIOCSWINSZ takes it (both sides 1..65535). */
public record TerminalSize(int width, int height) {
  public TerminalSize {
    if (width < 1 || width > 65535 || height < 1 || height > 65535) {
      throw new IllegalArgumentException("terminal size " + width + "x" + height + " is out of range 1..65535");
    }
  }
}
