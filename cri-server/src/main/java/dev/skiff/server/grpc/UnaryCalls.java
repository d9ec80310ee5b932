package dev.skiff.server.grpc;

import dev.skiff.server.rpc.Rpc;
import io.grpc.stub.StreamObserver;

/** Runs one RPC class behind a gRPC unary method, mapping its failure once. */
final class UnaryCalls {
  private UnaryCalls() {}

  static <Q, R> void run(String method, Q request, StreamObserver<R> responses, Rpc<Q, R> rpc) {
    R response;
    try {
      response = rpc.call(request);
    } catch (Throwable error) {
      responses.onError(ErrorMapper.toStatus(method, error));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
