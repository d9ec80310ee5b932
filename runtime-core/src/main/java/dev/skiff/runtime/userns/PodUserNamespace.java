package dev.skiff.runtime.userns;

/**
 * A pod's pinned user namespace: {@code path} is the bind mount of its nsfs file under the
 * pod's ns directory, {@code mappings} what was written to its uid_map and gid_map (a pinned
 * file cannot be asked for them). Containers join it last; their rootfs layers are
 * idmapped mounts through it.
 */
public record PodUserNamespace(String path, UserNamespaceMappings mappings) {}
