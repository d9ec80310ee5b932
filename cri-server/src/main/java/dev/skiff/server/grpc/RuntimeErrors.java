package dev.skiff.server.grpc;

import dev.skiff.runtime.cgroup.CgroupException;
import dev.skiff.runtime.checkpoint.CheckpointException;
import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.network.NetworkException;
import dev.skiff.runtime.pod.PodSetupException;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** runtime-core's typed exceptions as gRPC codes (used by {@link ErrorMapper} only). */
final class RuntimeErrors {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeErrors.class);

  private RuntimeErrors() {}

  /** The status for a runtime-core exception, or null when error is not one. */
  static Status statusOf(Throwable error) {
    if (error instanceof PodSetupException pod) {
      Status status = switch (pod.reason()) {
        case INVALID -> Status.INVALID_ARGUMENT;
        case CONFLICT -> Status.FAILED_PRECONDITION;
        case EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      };
      return status.withDescription(pod.getMessage());
    }
    if (error instanceof NetworkException network) {
      Status status = switch (network.kind()) {
        case INVALID -> Status.INVALID_ARGUMENT;
        case CONFLICT -> Status.FAILED_PRECONDITION;
        case EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
        case FAILED -> internal(network);
      };
      return status.withDescription(network.getMessage());
    }
    if (error instanceof ContainerException container) {
      Status status = switch (container.kind()) {
        case INVALID -> Status.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.NOT_FOUND;
        case PRECONDITION -> Status.FAILED_PRECONDITION;
        // The container could not exec (missing executable, bad user): a property of what was
        // asked for, not of skiffd; the message names the cause, as containerd's does.
        case START_FAILED -> Status.FAILED_PRECONDITION;
        case INTERNAL -> internal(container);
      };
      return status.withDescription(container.getMessage());
    }
    if (error instanceof CheckpointException checkpoint) {
      Status status = switch (checkpoint.kind()) {
        case INVALID -> Status.INVALID_ARGUMENT;
        case UNSUPPORTED -> Status.FAILED_PRECONDITION;
        case DEADLINE -> Status.DEADLINE_EXCEEDED;
        // CRIU ran and refused or failed; the message carries the tail of its log.
        case DUMP_FAILED, INTERNAL -> internal(checkpoint);
      };
      return status.withDescription(checkpoint.getMessage());
    }
    if (error instanceof CgroupException cgroup) {
      return (cgroup.invalidRequest() ? Status.INVALID_ARGUMENT : internal(cgroup)).withDescription(cgroup.getMessage());
    }
    return null;
  }

  private static Status internal(Exception error) {
    LOG.error("Runtime failure: {}", error.getMessage());
    return Status.INTERNAL;
  }
}
