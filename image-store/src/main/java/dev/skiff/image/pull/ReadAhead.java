package dev.skiff.image.pull;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.content.Ingest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decouples the network from the unpacker: a reader thread pulls a blob from the registry,
 * writes every byte into its ingest (hash + temp file) and queues it, up to a few MiB ahead
 * of the decompressor that consumes this stream. Without it the registry connection idles
 * whenever the unpacker is busy, because the JDK's body stream reads only on demand.
 * After EOF every byte has been written to the ingest; close() stops the reader and
 * waits for it, so nothing writes to the ingest after its owner closed it.
 */
final class ReadAhead extends InputStream {
  private static final int CHUNK = 128 * 1024;
  private static final int CHUNKS_AHEAD = 32;
  private static final byte[] END = new byte[0];

  private final InputStream source;
  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
  private final Future<?> reader;
  private volatile boolean closed;
  private volatile Throwable failure;
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  ReadAhead(InputStream source, Ingest ingest, AtomicLong progress, ExecutorService workers) {
    this.source = source;
    this.reader = workers.submit(() -> {
      try {
        while (!closed) {
          byte[] buffer = new byte[CHUNK];
          int n = source.readNBytes(buffer, 0, CHUNK);
          if (n <= 0) {
            break;
          }
          byte[] chunk = n == CHUNK ? buffer : Arrays.copyOf(buffer, n);
          ingest.write(chunk, 0, n);
          progress.addAndGet(n);
          put(chunk);
        }
      } catch (Throwable e) {
        failure = e;
      }
      put(END);
    });
  }

  private void put(byte[] chunk) {
    try {
      while (!closed && !chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        // The consumer is busy; keep waiting unless it closed.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (position == current.length) {
      if (ended) {
        return -1;
      }
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading a layer");
      }
      position = 0;
      if (current == END) {
        ended = true;
        rethrowFailure();
        return -1;
      }
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  private void rethrowFailure() throws IOException {
    Throwable e = failure;
    if (e == null) {
      return;
    }
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof ImageStoreException store) {
      throw store;
    }
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new IOException(e);
  }

  /** Reads to the end, so the ingest has seen every byte of the blob. */
  void drain() throws IOException {
    byte[] buffer = new byte[CHUNK];
    while (read(buffer, 0, buffer.length) >= 0) {
      // keep reading
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    chunks.clear();
    try {
      source.close();
    } finally {
      try {
        reader.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // The reader records its own failure; here it only has to be finished.
      }
    }
  }
}
