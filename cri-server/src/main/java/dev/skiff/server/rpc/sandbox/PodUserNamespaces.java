package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.IDMapping;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.UserNamespace;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import dev.skiff.server.rpc.CriError;
import java.util.List;

/**
 * namespace_options.userns_options of a pod. NODE (or nothing) is the host's user namespace;
 * POD is a user namespace of the pod's own with exactly one uid and one gid mapping that maps
 * container id 0, as kubelet sends and as containerd and CRI-O require; CONTAINER and TARGET
 * mean nothing for a user namespace.
 */
final class PodUserNamespaces {
  private PodUserNamespaces() {}

  /** Null when the pod uses the host's user namespace. */
  static UserNamespaceMappings parse(NamespaceOption options) {
    if (!options.hasUsernsOptions()) {
      return null;
    }
    UserNamespace userns = options.getUsernsOptions();
    String field = "namespace_options.userns_options";
    return switch (userns.getMode()) {
      case NODE -> {
        if (userns.getUidsCount() > 0 || userns.getGidsCount() > 0) {
          throw CriError.invalid(field + ": mode NODE uses the host's user namespace and takes no mappings");
        }
        yield null;
      }
      case POD -> new UserNamespaceMappings(mapping(userns.getUidsList(), field + ".uids"),
          mapping(userns.getGidsList(), field + ".gids"));
      case CONTAINER, TARGET -> throw CriError.invalid(field + ": mode " + userns.getMode()
          + " is not supported for a user namespace (POD or NODE)");
      default -> throw CriError.invalid(field + " has an unknown namespace mode");
    };
  }

  private static IdMapping mapping(List<IDMapping> mappings, String field) {
    if (mappings.size() != 1) {
      throw CriError.invalid(field + ": exactly one mapping is supported, got " + mappings.size());
    }
    IDMapping m = mappings.get(0);
    if (m.getContainerId() != 0) {
      throw CriError.invalid(field + ": the mapping must start at container id 0, got "
          + Integer.toUnsignedString(m.getContainerId()));
    }
    try {
      return new IdMapping(Integer.toUnsignedLong(m.getContainerId()), Integer.toUnsignedLong(m.getHostId()),
          Integer.toUnsignedLong(m.getLength()));
    } catch (IllegalArgumentException e) {
      throw CriError.invalid(field + ": " + e.getMessage());
    }
  }
}
