package dev.skiff.server.rpc.stream;

import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The stores as the streaming RPCs and the streaming backend see them: a container's state
 * from its shim's files (as ContainerStatus reads it), a pod's readiness and network namespace.
 */
public final class StoreLookups {
  private StoreLookups() {}

  public static ContainerLookup containers(ContainerStore store) {
    return idOrPrefix -> store.find(idOrPrefix).map(record -> {
      String state = state(store.process(record.id()));
      return new ContainerLookup.Found(record.id(), state.equals("CONTAINER_RUNNING"), state);
    });
  }

  public static PodLookup pods(PodStore store) {
    return idOrPrefix -> store.find(idOrPrefix).map(record -> new PodLookup.Found(record.id(),
        record.state() == PodState.READY, record.state() == PodState.READY ? "SANDBOX_READY" : "SANDBOX_NOTREADY"));
  }

  /** Full container id → its shim handle, for the backend; NoSuchElementException names what is gone. */
  public static ContainerProcess process(ContainerStore store, String id) {
    ContainerRecord record = store.get(id).orElseThrow(() -> new NoSuchElementException("container " + id + " not found"));
    return store.process(record.id()).orElseThrow(
        () -> new NoSuchElementException("container " + id + " has no shim (its bundle is gone)"));
  }

  /** Full pod id → its pinned network namespace, empty for a host-network pod. */
  public static Optional<Path> podNetwork(PodStore store, String id) {
    PodRecord record = store.get(id).orElseThrow(() -> new NoSuchElementException("pod sandbox " + id + " not found"));
    if (record.networkMode() == NamespaceMode.NODE) {
      return Optional.empty();
    }
    if (record.state() != PodState.READY || record.sandbox() == null || record.sandbox().netns() == null) {
      throw new NoSuchElementException("pod sandbox " + id + " is not ready: it has no network namespace");
    }
    return Optional.of(Path.of(record.sandbox().netns()));
  }

  private static String state(Optional<ContainerProcess> process) {
    if (process.isEmpty()) {
      return "CONTAINER_UNKNOWN";
    }
    try {
      return switch (process.get().phase()) {
        case CREATED -> "CONTAINER_CREATED";
        case RUNNING -> "CONTAINER_RUNNING";
        case EXITED -> "CONTAINER_EXITED";
        case UNKNOWN -> "CONTAINER_UNKNOWN";
      };
    } catch (IOException e) {
      return "CONTAINER_UNKNOWN";
    }
  }
}
