package dev.skiff.runtime.pod;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A pod sandbox id: 64 lowercase hex digits, as containerd and CRI-O make them. */
public record PodId(String value) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public PodId {
    if (value == null || !value.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + value + "' is not a pod id (64 hex digits)");
    }
  }

  public static PodId random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new PodId(HexFormat.of().formatHex(bytes));
  }

  /** The first 12 digits, for logs and interface names. */
  public String shortId() {
    return value.substring(0, 12);
  }

  @Override
  public String toString() {
    return value;
  }
}
