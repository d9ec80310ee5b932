package dev.skiff.server.state;

/** The CRI's PodSandboxMetadata, kept exactly as given. */
public record PodMetadata(String name, String uid, String namespace, int attempt) {
  /** The name registry's key: one pod per name, namespace, uid and attempt (as containerd names sandboxes). */
  public String registryKey() {
    return name + "_" + namespace + "_" + uid + "_" + attempt;
  }
}
