package dev.skiff.server.rpc.events;

import dev.skiff.cri.v1.ContainerEventResponse;
import dev.skiff.cri.v1.ContainerEventType;
import dev.skiff.cri.v1.ContainerStatusRequest;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.rpc.container.ContainerEvent;
import dev.skiff.server.rpc.container.ContainerEventListener;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans container events out to every GetContainerEvents subscriber. The container RPCs hand
 * an event over and return at once; one dispatcher thread turns events, in the order they
 * came, into ContainerEventResponses (the pod's status and its containers' statuses as they
 * are when the event is dispatched, as containerd sends them) and offers each to every
 * subscriber's bounded buffer. A slow subscriber is dropped with an error, never waited for.
 */
public final class ContainerEventHub implements ContainerEventListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerEventHub.class);

  private final Rpc<PodSandboxStatusRequest, dev.skiff.cri.v1.PodSandboxStatusResponse> podStatus;
  private final Rpc<ContainerStatusRequest, dev.skiff.cri.v1.ContainerStatusResponse> containerStatus;
  private final ContainerStore containers;
  private final int bufferPerSubscriber;
  private final List<Subscription<ContainerEventResponse>> subscriptions = new CopyOnWriteArrayList<>();
  private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "skiff-container-events");
    thread.setDaemon(true);
    return thread;
  });

  public ContainerEventHub(Rpc<PodSandboxStatusRequest, dev.skiff.cri.v1.PodSandboxStatusResponse> podStatus,
      Rpc<ContainerStatusRequest, dev.skiff.cri.v1.ContainerStatusResponse> containerStatus,
      ContainerStore containers, int bufferPerSubscriber) {
    this.podStatus = podStatus;
    this.containerStatus = containerStatus;
    this.containers = containers;
    this.bufferPerSubscriber = bufferPerSubscriber;
  }

  /** Starts delivering every later event to sink until it cancels or falls behind. */
  public void subscribe(EventSink<ContainerEventResponse> sink) {
    Subscription<ContainerEventResponse> subscription = new Subscription<>(sink, bufferPerSubscriber);
    sink.onReady(subscription::drain);
    sink.onCancel(() -> {
      subscription.close();
      subscriptions.remove(subscription);
    });
    subscriptions.add(subscription);
  }

  public int subscribers() {
    return subscriptions.size();
  }

  @Override
  public void onEvent(ContainerEvent event) {
    try {
      dispatcher.execute(() -> dispatch(event));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("Dropped container event {} of {}: skiffd is stopping", event.type(), event.containerId());
    }
  }

  private void dispatch(ContainerEvent event) {
    if (subscriptions.isEmpty()) {
      return;
    }
    ContainerEventResponse response = toResponse(event);
    for (Subscription<ContainerEventResponse> subscription : subscriptions) {
      if (!subscription.offer(response)) {
        subscriptions.remove(subscription);
        LOG.warn("Closed a container event stream: the subscriber fell {} events behind", bufferPerSubscriber);
      }
    }
  }

  private ContainerEventResponse toResponse(ContainerEvent event) {
    ContainerEventResponse.Builder response = ContainerEventResponse.newBuilder()
        .setContainerId(event.containerId())
        .setContainerEventType(type(event.type()))
        .setCreatedAt(event.atNanos());
    try {
      response.setPodSandboxStatus(podStatus.call(
          PodSandboxStatusRequest.newBuilder().setPodSandboxId(event.podId()).build()).getStatus());
    } catch (Exception e) {
      LOG.debug("No pod status for the {} event of container {}: {}", event.type(), event.containerId(), e.toString());
    }
    for (ContainerRecord record : containers.ofPod(event.podId())) {
      try {
        response.addContainersStatuses(containerStatus.call(
            ContainerStatusRequest.newBuilder().setContainerId(record.id()).build()).getStatus());
      } catch (CriError e) {
        // Removed since it was listed.
      } catch (Exception e) {
        LOG.debug("No status of container {} for an event: {}", record.shortId(), e.toString());
      }
    }
    return response.build();
  }

  private static ContainerEventType type(ContainerEvent.Type type) {
    return switch (type) {
      case CREATED -> ContainerEventType.CONTAINER_CREATED_EVENT;
      case STARTED -> ContainerEventType.CONTAINER_STARTED_EVENT;
      case STOPPED -> ContainerEventType.CONTAINER_STOPPED_EVENT;
      case DELETED -> ContainerEventType.CONTAINER_DELETED_EVENT;
    };
  }

  @Override
  public void close() {
    dispatcher.shutdown();
    try {
      dispatcher.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
