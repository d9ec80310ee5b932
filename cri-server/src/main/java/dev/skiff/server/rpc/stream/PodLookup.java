package dev.skiff.server.rpc.stream;

import java.util.Optional;

/** What PortForward needs to know about a pod sandbox: its full id and whether it is ready. */
@FunctionalInterface
public interface PodLookup {
  Optional<Found> find(String idOrPrefix);

  /** @param state the sandbox's CRI state name, for messages (SANDBOX_READY, SANDBOX_NOTREADY) */
  record Found(String id, boolean ready, String state) {}
}
