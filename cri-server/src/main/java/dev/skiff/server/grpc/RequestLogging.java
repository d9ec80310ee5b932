package dev.skiff.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every call once it completes: mutations at info, reads at trace (kubelet polls
 * them every second), failures at warn with their code and message.
 */
final class RequestLogging implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("skiff.rpc");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    boolean read = isRead(method);
    long start = System.nanoTime();
    ServerCall<Q, R> logged = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        long micros = (System.nanoTime() - start) / 1000;
        if (!status.isOk()) {
          LOG.warn("{} failed with {}: {} ({} us)", method, status.getCode(), status.getDescription(), micros);
        } else if (read) {
          LOG.trace("{} ok ({} us)", method, micros);
        } else {
          LOG.info("{} ok ({} us)", method, micros);
        }
        super.close(status, trailers);
      }
    };
    return next.startCall(logged, headers);
  }

  static boolean isRead(String method) {
    return method.startsWith("List") || method.endsWith("Status") || method.endsWith("Stats")
        || method.equals("Version") || method.equals("ImageFsInfo") || method.equals("RuntimeConfig");
  }
}
