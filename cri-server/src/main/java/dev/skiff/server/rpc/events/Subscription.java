package dev.skiff.server.rpc.events;

import java.util.ArrayDeque;

/**
 * One subscriber: a bounded buffer of events not yet handed to its transport. Events are
 * written out while the transport is ready; a subscriber that lets {@code capacity} events
 * pile up is dropped with an error instead of holding the runtime back or growing without end.
 */
final class Subscription<T> {
  private final EventSink<T> sink;
  private final int capacity;
  private final ArrayDeque<T> pending = new ArrayDeque<>();
  private boolean closed;

  Subscription(EventSink<T> sink, int capacity) {
    this.sink = sink;
    this.capacity = capacity;
  }

  /** Queues event and writes what the transport takes; false when the buffer overflowed and the stream was ended. */
  synchronized boolean offer(T event) {
    if (closed) {
      return false;
    }
    if (pending.size() >= capacity) {
      closed = true;
      pending.clear();
      sink.fail("container event subscriber fell more than " + capacity + " events behind; relist and subscribe again");
      return false;
    }
    pending.add(event);
    drain();
    return true;
  }

  synchronized void drain() {
    while (!closed && !pending.isEmpty() && sink.ready()) {
      sink.send(pending.poll());
    }
  }

  synchronized void close() {
    closed = true;
    pending.clear();
  }

  synchronized int pending() {
    return pending.size();
  }
}
