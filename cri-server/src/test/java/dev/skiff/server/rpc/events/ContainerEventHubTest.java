package dev.skiff.server.rpc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerEventResponse;
import dev.skiff.cri.v1.ContainerEventType;
import dev.skiff.cri.v1.ContainerStatusResponse;
import dev.skiff.cri.v1.PodSandboxStatus;
import dev.skiff.cri.v1.PodSandboxStatusResponse;
import dev.skiff.server.rpc.container.ContainerEvent;
import dev.skiff.server.state.ContainerStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerEventHubTest {
  @TempDir Path tmp;
  private ContainerEventHub hub;

  @BeforeEach
  void setUp() throws Exception {
    hub = new ContainerEventHub(
        request -> PodSandboxStatusResponse.newBuilder()
            .setStatus(PodSandboxStatus.newBuilder().setId(request.getPodSandboxId())).build(),
        request -> ContainerStatusResponse.getDefaultInstance(),
        new ContainerStore(tmp), 4);
  }

  @AfterEach
  void tearDown() {
    hub.close();
  }

  @Test
  void everySubscriberGetsEveryEventInOrderWithThePodStatus() throws Exception {
    FakeSink first = new FakeSink();
    FakeSink second = new FakeSink();
    hub.subscribe(first);
    hub.subscribe(second);

    for (ContainerEvent.Type type : ContainerEvent.Type.values()) {
      hub.onEvent(new ContainerEvent(type, "c1", "pod1", type.ordinal()));
    }
    drainDispatcher();

    for (FakeSink sink : List.of(first, second)) {
      assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
          ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT),
          sink.sent.stream().map(ContainerEventResponse::getContainerEventType).toList());
      assertEquals("pod1", sink.sent.get(0).getPodSandboxStatus().getId());
      assertEquals(2, sink.sent.get(2).getCreatedAt());
      assertNull(sink.failure);
    }
  }

  @Test
  void aSubscriberThatStopsReadingIsClosedWithAnErrorAndDropped() throws Exception {
    FakeSink slow = new FakeSink();
    slow.ready = false;
    FakeSink fast = new FakeSink();
    hub.subscribe(slow);
    hub.subscribe(fast);

    for (int i = 0; i < 6; i++) {
      hub.onEvent(new ContainerEvent(ContainerEvent.Type.CREATED, "c" + i, "pod1", i));
    }
    drainDispatcher();

    assertNotNull(slow.failure, "the stream ends with an error so kubelet relists");
    assertTrue(slow.failure.contains("fell more than 4 events behind"), slow.failure);
    assertTrue(slow.sent.isEmpty());
    assertEquals(6, fast.sent.size(), "the fast subscriber is not held back");
    assertEquals(1, hub.subscribers());
  }

  @Test
  void bufferedEventsGoOutWhenTheTransportIsReadyAgain() throws Exception {
    FakeSink sink = new FakeSink();
    sink.ready = false;
    hub.subscribe(sink);
    hub.onEvent(new ContainerEvent(ContainerEvent.Type.CREATED, "c1", "pod1", 1));
    hub.onEvent(new ContainerEvent(ContainerEvent.Type.STARTED, "c1", "pod1", 2));
    drainDispatcher();
    assertTrue(sink.sent.isEmpty());

    sink.ready = true;
    sink.onReady.run();

    assertEquals(2, sink.sent.size());
    assertEquals(ContainerEventType.CONTAINER_STARTED_EVENT, sink.sent.get(1).getContainerEventType());
  }

  @Test
  void aCancelledSubscriberIsForgotten() throws Exception {
    FakeSink sink = new FakeSink();
    hub.subscribe(sink);
    assertEquals(1, hub.subscribers());

    sink.onCancel.run();
    hub.onEvent(new ContainerEvent(ContainerEvent.Type.CREATED, "c1", "pod1", 1));
    drainDispatcher();

    assertEquals(0, hub.subscribers());
    assertTrue(sink.sent.isEmpty());
  }

  /** Waits until every event handed over so far is dispatched (the dispatcher runs tasks in order). */
  private void drainDispatcher() throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    FakeSink marker = new FakeSink() {
      @Override
      public void send(ContainerEventResponse event) {
        if (event.getContainerId().equals("marker")) {
          done.countDown();
        }
      }
    };
    hub.subscribe(marker);
    hub.onEvent(new ContainerEvent(ContainerEvent.Type.CREATED, "marker", "pod-marker", 0));
    assertTrue(done.await(5, TimeUnit.SECONDS));
    marker.onCancel.run();
  }

  private static class FakeSink implements EventSink<ContainerEventResponse> {
    final List<ContainerEventResponse> sent = new ArrayList<>();
    volatile boolean ready = true;
    volatile String failure;
    Runnable onReady;
    Runnable onCancel;

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public void send(ContainerEventResponse event) {
      // drainDispatcher's marker event reaches every subscriber; only the test's own events count.
      if (!event.getContainerId().equals("marker")) {
        sent.add(event);
      }
    }

    @Override
    public void fail(String message) {
      failure = message;
    }

    @Override
    public void onReady(Runnable task) {
      onReady = task;
    }

    @Override
    public void onCancel(Runnable task) {
      onCancel = task;
    }
  }
}
