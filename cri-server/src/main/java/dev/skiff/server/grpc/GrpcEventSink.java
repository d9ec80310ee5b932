package dev.skiff.server.grpc;

import dev.skiff.server.rpc.events.EventSink;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** A GetContainerEvents stream as an {@link EventSink}: gRPC's flow control says when it is ready. */
final class GrpcEventSink<T> implements EventSink<T> {
  private final ServerCallStreamObserver<T> call;

  GrpcEventSink(StreamObserver<T> responses) {
    this.call = (ServerCallStreamObserver<T>) responses;
  }

  @Override
  public boolean ready() {
    return call.isReady() && !call.isCancelled();
  }

  @Override
  public void send(T event) {
    call.onNext(event);
  }

  @Override
  public void fail(String message) {
    call.onError(Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException());
  }

  @Override
  public void onReady(Runnable task) {
    call.setOnReadyHandler(task);
  }

  @Override
  public void onCancel(Runnable task) {
    call.setOnCancelHandler(task);
  }
}
