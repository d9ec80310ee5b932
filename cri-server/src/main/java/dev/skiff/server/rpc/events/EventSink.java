package dev.skiff.server.rpc.events;

/**
 * One subscriber's end of GetContainerEvents, as the gRPC adapter provides it. Calls to
 * {@link #send} and {@link #fail} never overlap: a {@link Subscription} serializes them.
 */
public interface EventSink<T> {
  /** True while the transport can take another message without buffering it. */
  boolean ready();

  void send(T event);

  /** Ends the stream with an error (the subscriber fell behind); kubelet then relists. */
  void fail(String message);

  /** Runs task whenever the transport becomes ready again. */
  void onReady(Runnable task);

  /** Runs task once when the subscriber goes away (cancel, disconnect, deadline). */
  void onCancel(Runnable task);
}
