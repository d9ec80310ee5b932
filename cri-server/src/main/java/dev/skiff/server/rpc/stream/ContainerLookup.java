package dev.skiff.server.rpc.stream;

import java.util.Optional;

/**
 * What Exec and Attach need to know about a container: its full id and whether it runs. The
 * container store implements it (a full id or a unique prefix, as every container RPC accepts).
 */
@FunctionalInterface
public interface ContainerLookup {
  Optional<Found> find(String idOrPrefix);

  /** @param state the container's CRI state name, for messages (CONTAINER_RUNNING, ...) */
  record Found(String id, boolean running, String state) {}
}
