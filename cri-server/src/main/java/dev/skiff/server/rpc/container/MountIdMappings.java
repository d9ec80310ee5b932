package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.IDMapping;
import dev.skiff.cri.v1.Mount;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import dev.skiff.server.rpc.CriError;
import java.util.List;

/**
 * A CRI Mount's own uidMappings/gidMappings (kubelet sends its pod's user namespace mappings
 * with every mount of such a pod): both or neither (as runc), one line each (as a pod's user
 * namespace has).
 */
final class MountIdMappings {
  private MountIdMappings() {}

  /** Null when the mount carries no mappings. */
  static UserNamespaceMappings parse(Mount mount) {
    if (mount.getUidMappingsCount() == 0 && mount.getGidMappingsCount() == 0) {
      return null;
    }
    String field = "mounts[" + mount.getContainerPath() + "]";
    if (mount.getUidMappingsCount() == 0 || mount.getGidMappingsCount() == 0) {
      throw CriError.invalid(field + ": an idmapped mount needs both uidMappings and gidMappings");
    }
    return new UserNamespaceMappings(one(mount.getUidMappingsList(), field + ".uidMappings"),
        one(mount.getGidMappingsList(), field + ".gidMappings"));
  }

  private static IdMapping one(List<IDMapping> mappings, String field) {
    if (mappings.size() != 1) {
      throw CriError.invalid(field + ": exactly one mapping is supported, got " + mappings.size());
    }
    IDMapping m = mappings.get(0);
    try {
      return new IdMapping(Integer.toUnsignedLong(m.getContainerId()), Integer.toUnsignedLong(m.getHostId()),
          Integer.toUnsignedLong(m.getLength()));
    } catch (IllegalArgumentException e) {
      throw CriError.invalid(field + ": " + e.getMessage());
    }
  }
}
