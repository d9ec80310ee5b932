package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.ContainerState;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.ExitStatus;
import java.io.IOException;
import java.util.Optional;

/**
 * A container's state as the shim's files tell it now. A start failure (the shim could not
 * exec) reads as EXITED with reason StartError and the shim's message, as containerd reports it.
 */
record ContainerObservation(
    ContainerState state, long startedAtNanos, long finishedAtNanos, int exitCode, String reason, String message,
    int pid) {

  static final String START_ERROR = "StartError";

  static ContainerObservation of(Optional<ContainerProcess> handle) throws IOException {
    if (handle.isEmpty()) {
      return new ContainerObservation(ContainerState.CONTAINER_UNKNOWN, 0, 0, 0, "Unknown",
          "the container's shim and bundle are gone (host rebooted?)", 0);
    }
    ContainerProcess process = handle.get();
    ContainerProcess.Phase phase = process.phase();
    long started = process.startedAtNs().orElse(0L);
    return switch (phase) {
      case CREATED -> new ContainerObservation(ContainerState.CONTAINER_CREATED, 0, 0, 0, "", "", process.pid());
      case RUNNING -> new ContainerObservation(ContainerState.CONTAINER_RUNNING, started, 0, 0, "", "", process.pid());
      case UNKNOWN -> new ContainerObservation(ContainerState.CONTAINER_UNKNOWN, started, 0, 0, "Unknown",
          "the container's shim was killed before it recorded an exit", 0);
      case EXITED -> {
        Optional<ExitStatus> exit = process.exitStatus();
        if (exit.isEmpty()) {
          yield new ContainerObservation(ContainerState.CONTAINER_UNKNOWN, started, 0, 0, "Unknown", "", 0);
        }
        ExitStatus status = exit.get();
        boolean startFailed = !status.message().isEmpty() && started == 0;
        yield new ContainerObservation(ContainerState.CONTAINER_EXITED, started, status.finishedNs(),
            status.exitCode(), startFailed ? START_ERROR : status.reason(), status.message(), 0);
      }
    };
  }

  boolean running() {
    return state == ContainerState.CONTAINER_RUNNING;
  }
}
