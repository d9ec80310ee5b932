package dev.skiff.image.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream whose every byte passes {@link #observe} on its way through (digests, the PAX tap,
 * the unpack budget): skipping reads, and mark/reset is refused, so no byte can go around it.
 */
public abstract class ObservedInputStream extends FilterInputStream {
  protected ObservedInputStream(InputStream in) {
    super(in);
  }

  /** Sees {@code bytes[offset, offset + length)} as they are read. */
  protected abstract void observe(byte[] bytes, int offset, int length) throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      observe(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
    return Math.max(read(scratch, 0, scratch.length), 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int limit) {
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
