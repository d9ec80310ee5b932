package dev.skiff.server.grpc;

import com.google.protobuf.MessageLite;
import dev.skiff.server.rpc.Rpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Serves a CRIListStreaming RPC (KEP-5825: StreamPodSandboxes, StreamContainers, ...) from its
 * unary List RPC. The CRI asks for responses of at least one item each, every item exactly once,
 * then EOF; kubelet falls back to the List RPC only on UNIMPLEMENTED, so an empty list is just EOF.
 */
final class ListStreams {
  /** Well under gRPC's 4 MiB default receive limit, which is what the streaming RPCs exist to avoid. */
  static final int BATCH_BYTES = 1 << 20;

  private ListStreams() {}

  static <G, Q, L, I extends MessageLite, R> void run(String method, Q listRequest, StreamObserver<R> responses,
      G group, Function<G, Rpc<Q, L>> rpc, Function<L, List<I>> items, Function<List<I>, R> batch) {
    if (group == null) {
      responses.onError(UnaryCalls.unimplemented(method));
      return;
    }
    List<I> all;
    try {
      all = items.apply(rpc.apply(group).call(listRequest));
    } catch (Throwable error) {
      responses.onError(ErrorMapper.toStatus(method, error));
      return;
    }
    ServerCallStreamObserver<R> call = responses instanceof ServerCallStreamObserver<R> server ? server : null;
    for (List<I> part : batches(all, BATCH_BYTES)) {
      if (call != null && call.isCancelled()) {
        return;
      }
      responses.onNext(batch.apply(part));
    }
    responses.onCompleted();
  }

  /** Consecutive runs of items whose encoded sizes add up to at most maxBytes; a larger item goes alone. */
  static <I extends MessageLite> List<List<I>> batches(List<I> items, int maxBytes) {
    List<List<I>> batches = new ArrayList<>();
    List<I> current = new ArrayList<>();
    long bytes = 0;
    for (I item : items) {
      // Each repeated element costs its tag and length prefix on top of its own bytes.
      long size = item.getSerializedSize() + 6L;
      if (!current.isEmpty() && bytes + size > maxBytes) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(item);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
