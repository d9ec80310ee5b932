package dev.skiff.runtime.userns;

/** The uid and gid mapping of a pod's own user namespace (one line each, as the CRI allows). */
public record UserNamespaceMappings(IdMapping uids, IdMapping gids) {
  public UserNamespaceMappings {
    if (uids == null || gids == null) {
      throw new IllegalArgumentException("a user namespace needs a uid and a gid mapping");
    }
  }
}
