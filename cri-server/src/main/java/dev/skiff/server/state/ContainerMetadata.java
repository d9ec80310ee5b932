package dev.skiff.server.state;

/** The CRI's ContainerMetadata, kept exactly as given. */
public record ContainerMetadata(String name, int attempt) {
  /** The name registry's key: one container per pod, name and attempt (as containerd names containers). */
  public String registryKey(String podId) {
    return podId + "/" + name + "_" + attempt;
  }
}
