package dev.skiff.server.rpc.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.cri.v1.ContainerUser;
import dev.skiff.cri.v1.LinuxContainerUser;
import dev.skiff.runtime.container.ProcessIdentity;
import dev.skiff.runtime.container.UserIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ContainerStatus.user: what the container's init really runs with (/proc/PID/status) while it
 * runs, as containerd reports it; otherwise the identity the bundle's config.json gave it.
 */
final class ContainerUsers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PROC = Path.of("/proc");

  private ContainerUsers() {}

  static Optional<ContainerUser> of(String bundleDir, ContainerObservation observed) throws IOException {
    Optional<UserIds> ids = Optional.empty();
    if (observed.running() && observed.pid() > 0) {
      ids = ProcessIdentity.read(PROC, observed.pid());
    }
    if (ids.isEmpty()) {
      ids = fromConfig(Path.of(bundleDir, "config.json"));
    }
    return ids.map(u -> ContainerUser.newBuilder()
        .setLinux(LinuxContainerUser.newBuilder()
            .setUid(u.uid())
            .setGid(u.gid())
            .addAllSupplementalGroups(u.additionalGids()))
        .build());
  }

  private static Optional<UserIds> fromConfig(Path configJson) throws IOException {
    JsonNode user;
    try {
      user = JSON.readTree(Files.readAllBytes(configJson)).path("process").path("user");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!user.has("uid") || !user.has("gid")) {
      return Optional.empty();
    }
    List<Long> groups = new ArrayList<>();
    user.path("additionalGids").forEach(g -> groups.add(g.asLong()));
    return Optional.of(new UserIds(user.get("uid").asLong(), user.get("gid").asLong(), groups));
  }
}
