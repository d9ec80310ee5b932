package dev.skiff.server.grpc;

import dev.skiff.server.metrics.DaemonMetrics;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Counts and times every CRI call once it completes: skiff_grpc_server_requests_seconds
 * (a histogram per method and code: its _count is the request count) and
 * skiff_grpc_server_errors_total per method and code for calls that did not end OK.
 */
public final class RpcMetrics implements ServerInterceptor {
  private final MeterRegistry registry;

  public RpcMetrics(DaemonMetrics metrics) {
    this.registry = metrics.registry();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    long start = System.nanoTime();
    ServerCall<Q, R> measured = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record(method, status.getCode(), System.nanoTime() - start);
        super.close(status, trailers);
      }
    };
    return next.startCall(measured, headers);
  }

  private void record(String method, Status.Code code, long nanos) {
    // Meters are looked up by name and tags; micrometer returns the registered one.
    Timer.builder("skiff.grpc.server.requests")
        .description("CRI calls by method and gRPC code")
        .tag("method", method).tag("code", code.name())
        .serviceLevelObjectives(DaemonMetrics.RPC_BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(nanos));
    if (code != Status.Code.OK) {
      Counter.builder("skiff.grpc.server.errors").description("CRI calls that failed, by method and gRPC code")
          .tag("method", method).tag("code", code.name()).register(registry).increment();
    }
  }
}
