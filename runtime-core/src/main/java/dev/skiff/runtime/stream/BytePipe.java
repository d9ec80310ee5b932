package dev.skiff.runtime.stream;

import java.io.IOException;
import java.io.InputStream;

/**
 * A bounded in-memory pipe from one writer thread (a session's frame reader) to one reader
 * (the streaming server's pump). java.io.PipedInputStream is unusable here: it fails once the
 * thread that last read has ended, and the server's pump threads come from an elastic pool.
 * When the reader closes its end, further writes are dropped instead of blocking.
 */
final class BytePipe extends InputStream {
  private final byte[] buffer;
  private int head;
  private int size;
  private boolean writerClosed;
  private boolean readerClosed;

  BytePipe(int capacity) {
    this.buffer = new byte[capacity];
  }

  /** Blocks while the pipe is full and the reader is still there. */
  synchronized void write(byte[] data) throws InterruptedException {
    int offset = 0;
    while (offset < data.length && !readerClosed) {
      while (size == buffer.length && !readerClosed) {
        wait();
      }
      while (offset < data.length && size < buffer.length && !readerClosed) {
        int tail = (head + size) % buffer.length;
        int n = Math.min(data.length - offset, Math.min(buffer.length - size, buffer.length - tail));
        System.arraycopy(data, offset, buffer, tail, n);
        size += n;
        offset += n;
      }
      notifyAll();
    }
  }

  /** End of stream for the reader once the buffered bytes are read. */
  synchronized void closeWriter() {
    writerClosed = true;
    notifyAll();
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    try {
      while (size == 0 && !writerClosed && !readerClosed) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading session output");
    }
    if (size == 0) {
      return -1;
    }
    int n = Math.min(len, Math.min(size, buffer.length - head));
    System.arraycopy(buffer, head, b, off, n);
    head = (head + n) % buffer.length;
    size -= n;
    notifyAll();
    return n;
  }

  @Override
  public synchronized int available() {
    return size;
  }

  @Override
  public synchronized void close() {
    readerClosed = true;
    size = 0;
    notifyAll();
  }
}
