package dev.skiff.server.grpc;

import dev.skiff.image.ImageStoreException;
import dev.skiff.server.rpc.CriError;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where errors become gRPC codes; nothing leaves as UNKNOWN. */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  public static StatusRuntimeException toStatus(String method, Throwable error) {
    if (error instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (error instanceof StatusException se) {
      return se.getStatus().asRuntimeException();
    }
    if (error instanceof CriError cri) {
      return codeOf(cri.kind()).withDescription(cri.getMessage()).withCause(cri).asRuntimeException();
    }
    if (error instanceof ImageStoreException image) {
      return codeOf(image.kind()).withDescription(image.getMessage()).withCause(image).asRuntimeException();
    }
    Status runtimeStatus = RuntimeErrors.statusOf(error);
    if (runtimeStatus != null) {
      return runtimeStatus.withCause(error).asRuntimeException();
    }
    if (error instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return Status.CANCELLED.withDescription(method + " was interrupted").asRuntimeException();
    }
    LOG.error("Unexpected failure in {}", method, error);
    return Status.INTERNAL.withDescription(method + " failed: " + error).withCause(error).asRuntimeException();
  }

  private static Status codeOf(ImageStoreException.Kind kind) {
    return switch (kind) {
      case INVALID -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case AUTHENTICATION -> Status.UNAUTHENTICATED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case UNSUPPORTED -> Status.FAILED_PRECONDITION;
      case BAD_CONTENT -> Status.DATA_LOSS;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  private static Status codeOf(CriError.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case INTERNAL -> Status.INTERNAL;
    };
  }
}
