package dev.skiff.server.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Answers UNAVAILABLE until state recovery has finished, so no client acts on a half-loaded
 * view of pods and containers (containerd's CRI plugin does the same).
 */
final class ReadinessGate implements ServerInterceptor {
  private volatile boolean ready;

  void open() {
    ready = true;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!ready) {
      call.close(Status.UNAVAILABLE.withDescription("skiffd is still recovering its state"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
