package dev.skiff.server.stream;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Client-to-process bytes (stdin, or the client side of a forwarded port): queued as they
 * arrive on the event loop, written to a blocking sink by an I/O thread, the sink closed after
 * the last byte when the client ends the stream. Bytes arriving before the sink exists (the
 * process or connection is still being opened) wait in the queue.
 */
final class InboundPipe {
  private static final long HIGH_WATER = 1 << 20;
  private static final long LOW_WATER = 256 << 10;

  private final ReadPause readPause;
  private final Executor io;
  private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean paused;
  private boolean ended;
  private boolean discarding;
  private boolean sinkClosed;
  private boolean draining;
  private OutputStream sink;

  InboundPipe(ReadPause readPause, Executor io) {
    this.readPause = readPause;
    this.io = io;
  }

  /** Takes ownership of {@code data}. */
  synchronized void offer(ByteBuf data) {
    if (discarding || ended || !data.isReadable()) {
      data.release();
      return;
    }
    queue.add(data);
    queuedBytes += data.readableBytes();
    if (!paused && queuedBytes > HIGH_WATER) {
      paused = true;
      readPause.pause();
    }
    scheduleDrain();
  }

  /** The client ended the stream: close the sink after what is queued. */
  synchronized void end() {
    ended = true;
    scheduleDrain();
  }

  synchronized void connect(OutputStream sink) {
    this.sink = sink;
    scheduleDrain();
  }

  /** Drops queued and future bytes; the sink is not closed (its owner closes it). */
  synchronized void discard() {
    discarding = true;
    sinkClosed = true;
    releaseQueued();
  }

  private void scheduleDrain() {
    if (sink != null && !draining && !sinkClosed && (!queue.isEmpty() || ended)) {
      draining = true;
      io.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      ByteBuf next;
      synchronized (this) {
        if (sinkClosed) {
          draining = false;
          return;
        }
        next = queue.poll();
        if (next == null && !ended) {
          draining = false;
          return;
        }
        if (next != null) {
          queuedBytes -= next.readableBytes();
          if (paused && queuedBytes < LOW_WATER) {
            paused = false;
            readPause.resume();
          }
        } else {
          sinkClosed = true;
        }
      }
      if (next == null) {
        closeSink();
        synchronized (this) {
          draining = false;
        }
        return;
      }
      try {
        next.readBytes(sink, next.readableBytes());
        sink.flush();
      } catch (IOException e) {
        // The process closed its stdin or the pod closed the connection: drop the rest.
        discard();
      } finally {
        next.release();
      }
    }
  }

  private void closeSink() {
    try {
      sink.close();
    } catch (IOException ignored) {
      // The other side is already gone; EOF is what we wanted it to see.
    }
  }

  private void releaseQueued() {
    ByteBuf buf;
    while ((buf = queue.poll()) != null) {
      buf.release();
    }
    queuedBytes = 0;
    if (paused) {
      paused = false;
      readPause.resume();
    }
  }
}
