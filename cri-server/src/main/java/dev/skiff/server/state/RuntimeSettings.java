package dev.skiff.server.state;

/** What kubelet told skiff through UpdateRuntimeConfig; empty fields mean "not told". */
public record RuntimeSettings(String podCidr) {
  public static final RuntimeSettings NONE = new RuntimeSettings("");
}
