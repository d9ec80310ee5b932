package dev.skiff.runtime.container;

import dev.skiff.runtime.cgroup.DeviceRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The device nodes a container gets beyond the defaults, and its device cgroup allowlist:
 * the CRI devices with their permissions; for a privileged container also every host node,
 * and everything allowed.
 */
record ContainerDevices(List<DeviceNode> nodes, List<DeviceRule> rules) {
  static ContainerDevices resolve(List<DeviceRequest> requests, boolean privileged)
      throws ContainerException, IOException {
    List<DeviceNode> nodes = new ArrayList<>(privileged ? HostDevices.under(Path.of("/dev")) : List.of());
    List<DeviceRule> rules = new ArrayList<>(privileged ? List.of(DeviceRule.allowAll()) : DeviceRule.DEFAULTS);
    for (DeviceRequest request : requests) {
      DeviceNode node = node(request);
      nodes.removeIf(d -> d.path().equals(node.path()));
      nodes.add(node);
      if (!privileged) {
        rules.add(DeviceRule.allow(node.type(), node.major(), node.minor(), permissions(request)));
      }
    }
    return new ContainerDevices(List.copyOf(nodes), List.copyOf(rules));
  }

  private static DeviceNode node(DeviceRequest d) throws ContainerException, IOException {
    if (d.hostPath() == null || !Files.exists(Path.of(d.hostPath()))) {
      throw ContainerException.invalid("device '" + d.hostPath() + "' does not exist on the host");
    }
    String dest = d.containerPath() == null || d.containerPath().isEmpty() ? d.hostPath() : d.containerPath();
    if (!dest.startsWith("/")) {
      throw ContainerException.invalid("device container path '" + dest + "' is not absolute");
    }
    // A symlink on the host (/dev/disk/by-id/...) names the node it points at.
    DeviceNode node = DeviceNode.of(Path.of(d.hostPath()), Path.of(dest).normalize().toString());
    if (node == null) {
      throw ContainerException.invalid("'" + d.hostPath() + "' is not a device node");
    }
    return node;
  }

  private static String permissions(DeviceRequest d) throws ContainerException {
    try {
      return DeviceRule.canonicalAccess(d.permissions());
    } catch (IllegalArgumentException e) {
      throw ContainerException.invalid("device '" + d.hostPath() + "': " + e.getMessage());
    }
  }
}
