package dev.skiff.server.rpc.runtime;

/**
 * What the default runtime handler really supports, decided once at start: recursively
 * read-only mounts need mount_setattr in the kernel; pod user namespaces need a mapped user
 * namespace and idmapped mounts on the state directory's filesystem; SupplementalGroupsPolicy
 * is skiff's own.
 */
public record HandlerFeatures(boolean recursiveReadOnlyMounts, boolean userNamespaces,
    boolean supplementalGroupsPolicy) {}
