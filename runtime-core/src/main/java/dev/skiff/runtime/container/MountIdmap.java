package dev.skiff.runtime.container;

import dev.skiff.runtime.userns.UserNamespaceMappings;

/**
 * A bind mount shown through an idmapping: the shim clones the source (open_tree), idmaps the
 * clone through the user namespace at {@code usernsPath} (mount_setattr MOUNT_ATTR_IDMAP) and
 * attaches it (move_mount). {@code mappings} are that namespace's, written to config.json as
 * the mount's uidMappings/gidMappings.
 */
public record MountIdmap(String usernsPath, UserNamespaceMappings mappings) {}
