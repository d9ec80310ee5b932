package dev.skiff.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.ListPodSandboxResponse;
import dev.skiff.cri.v1.PodSandbox;
import dev.skiff.cri.v1.StreamPodSandboxesResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListStreamsTest {
  private static PodSandbox pod(int i, int padding) {
    return PodSandbox.newBuilder().setId("pod-" + i).putAnnotations("pad", "x".repeat(padding)).build();
  }

  @Test
  void batchesStayUnderTheBoundAndKeepEveryItemOnceInOrder() {
    List<PodSandbox> pods = IntStream.range(0, 100).mapToObj(i -> pod(i, 1000)).toList();
    List<List<PodSandbox>> batches = ListStreams.batches(pods, 10_000);
    assertTrue(batches.size() >= 10, "only " + batches.size() + " batches");
    for (List<PodSandbox> batch : batches) {
      assertTrue(!batch.isEmpty());
      long bytes = batch.stream().mapToLong(p -> p.getSerializedSize() + 6L).sum();
      assertTrue(bytes <= 10_000, bytes + " bytes in one batch");
    }
    assertEquals(pods, batches.stream().flatMap(List::stream).toList());
  }

  @Test
  void anItemLargerThanTheBoundTravelsAlone() {
    List<PodSandbox> pods = List.of(pod(0, 10), pod(1, 50_000), pod(2, 10));
    List<List<PodSandbox>> batches = ListStreams.batches(pods, 10_000);
    assertEquals(List.of(List.of(pods.get(0)), List.of(pods.get(1)), List.of(pods.get(2))), batches);
  }

  @Test
  void emptyListIsJustEndOfStream() {
    Collector collector = stream(request -> ListPodSandboxResponse.getDefaultInstance(), new Object());
    assertEquals(List.of(), collector.responses);
    assertTrue(collector.completed);
  }

  @Test
  void largeListArrivesWholeAcrossSeveralResponses() {
    List<PodSandbox> pods = IntStream.range(0, 3000).mapToObj(i -> pod(i, 1000)).toList();
    Collector collector = stream(request -> ListPodSandboxResponse.newBuilder().addAllItems(pods).build(), new Object());
    assertTrue(collector.responses.size() > 1, collector.responses.size() + " responses");
    assertEquals(pods, collector.responses.stream().flatMap(r -> r.getPodSandboxesList().stream()).toList());
    assertTrue(collector.completed);
  }

  @Test
  void listFailureIsTheStreamsErrorWithItsCode() {
    Collector collector = stream(request -> {
      throw CriError.notFound("pod sandbox nope");
    }, new Object());
    assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(collector.error).getCode());
    assertTrue(collector.error.getMessage().contains("nope"), collector.error.getMessage());
  }

  @Test
  void absentGroupAnswersUnimplemented() {
    Collector collector = stream(request -> ListPodSandboxResponse.getDefaultInstance(), null);
    assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(collector.error).getCode());
  }

  private static Collector stream(Rpc<ListPodSandboxRequest, ListPodSandboxResponse> list, Object group) {
    Collector collector = new Collector();
    Function<Object, Rpc<ListPodSandboxRequest, ListPodSandboxResponse>> rpc = g -> list;
    ListStreams.run("StreamPodSandboxes", ListPodSandboxRequest.getDefaultInstance(), collector, group, rpc,
        ListPodSandboxResponse::getItemsList,
        part -> StreamPodSandboxesResponse.newBuilder().addAllPodSandboxes(part).build());
    return collector;
  }

  private static final class Collector implements StreamObserver<StreamPodSandboxesResponse> {
    final List<StreamPodSandboxesResponse> responses = new ArrayList<>();
    Throwable error;
    boolean completed;

    @Override
    public void onNext(StreamPodSandboxesResponse value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
