package dev.skiff.image.pull;

import dev.skiff.image.content.Ingest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Passes a blob's bytes to its reader (the decompressor) while writing each byte once into the ingest. */
final class TeeToIngest extends FilterInputStream {
  private final Ingest ingest;
  private final AtomicLong progress;

  TeeToIngest(InputStream in, Ingest ingest, AtomicLong progress) {
    super(in);
    this.ingest = ingest;
    this.progress = progress;
  }

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
      ingest.write(buffer, offset, n);
      progress.addAndGet(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads to the end, so the ingest sees every byte after the reader stopped early. */
  void drain() throws IOException {
    byte[] buffer = new byte[128 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // keep reading
    }
  }
}
