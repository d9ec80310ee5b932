package dev.skiff.server.metrics;

import dev.skiff.cri.v1.PullImageRequest;
import dev.skiff.image.ImageStore;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;

/**
 * Watches PullImage calls for the pull metrics, without touching the image RPCs: the
 * duration of each successful pull, and the size of the image when the pull stored it new
 * (an image already present costs no bytes).
 */
public final class ImagePullMetrics implements ServerInterceptor {
  private final DaemonMetrics metrics;
  private final ImageStore images;

  public ImagePullMetrics(DaemonMetrics metrics, ImageStore images) {
    this.metrics = metrics;
    this.images = images;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getBareMethodName().equals("PullImage")) {
      return next.startCall(call, headers);
    }
    long start = System.nanoTime();
    String[] reference = {null};
    boolean[] presentBefore = {false};
    ServerCall<Q, R> watched = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (status.isOk()) {
          metrics.pulled(Duration.ofNanos(System.nanoTime() - start), presentBefore[0] ? 0 : sizeOf(reference[0]));
        } else if (status.getCode() != Status.Code.DEADLINE_EXCEEDED && status.getCode() != Status.Code.CANCELLED) {
          metrics.pullFailed();
        }
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(watched, headers)) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof PullImageRequest request) {
          reference[0] = request.getImage().getImage();
          presentBefore[0] = sizeOf(reference[0]) > 0;
        }
        super.onMessage(message);
      }
    };
  }

  private long sizeOf(String reference) {
    if (reference == null || reference.isEmpty()) {
      return 0;
    }
    try {
      return images.find(reference).map(image -> image.size()).orElse(0L);
    } catch (Exception e) {
      return 0;
    }
  }
}
