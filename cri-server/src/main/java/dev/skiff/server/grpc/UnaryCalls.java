package dev.skiff.server.grpc;

import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.server.rpc.Rpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;

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

  /**
   * Runs one RPC of a group that may not be wired (tests build the adapter without it); an
   * absent group answers UNIMPLEMENTED with the same text the generated base class gives.
   */
  static <G, Q, R> void run(String method, Q request, StreamObserver<R> responses, G group,
      Function<G, Rpc<Q, R>> rpc) {
    if (group == null) {
      responses.onError(unimplemented(method));
      return;
    }
    run(method, request, responses, rpc.apply(group));
  }

  static StatusRuntimeException unimplemented(String method) {
    return Status.UNIMPLEMENTED
        .withDescription("Method " + RuntimeServiceGrpc.SERVICE_NAME + "/" + method + " is unimplemented")
        .asRuntimeException();
  }
}
