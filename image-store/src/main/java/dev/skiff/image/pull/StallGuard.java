package dev.skiff.image.pull;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ImageStoreException.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A network body that fails when a read waits longer than the stall timeout for its first
 * byte (however long the whole transfer takes): a watchdog closes the stream under the
 * blocked read. Time between reads, when the consumer is busy, does not count. Read errors
 * become UNAVAILABLE naming what was being fetched.
 */
final class StallGuard extends FilterInputStream {
  private final Duration timeout;
  private final String what;
  private final ScheduledFuture<?> watchdog;
  /** When the pending read began, or 0 when no read is pending: time spent unpacking never counts. */
  private volatile long readStarted;
  private volatile boolean stalled;

  StallGuard(InputStream in, Duration timeout, String what, ScheduledExecutorService timers) {
    super(in);
    this.timeout = timeout;
    this.what = what;
    long period = Math.max(100, Math.min(1000, timeout.toMillis() / 4));
    this.watchdog = timers.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  private void check() {
    long started = readStarted;
    if (started != 0 && System.nanoTime() - started > timeout.toNanos()) {
      stalled = true;
      watchdog.cancel(false);
      try {
        in.close();
      } catch (IOException ignored) {
        // The reader sees the failure; nothing else to do here.
      }
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
    int n;
    readStarted = System.nanoTime();
    try {
      n = in.read(buffer, offset, length);
    } catch (IOException e) {
      throw failure(e);
    } finally {
      readStarted = 0;
    }
    if (stalled) {
      throw failure(null);
    }
    return n;
  }

  private ImageStoreException failure(IOException cause) {
    if (stalled) {
      return new ImageStoreException(Kind.UNAVAILABLE, "no data received for " + timeout.toSeconds()
          + "s while fetching " + what + " (image.stall_timeout_seconds)", cause);
    }
    return new ImageStoreException(Kind.UNAVAILABLE, "lost the connection while fetching " + what + ": "
        + cause.getMessage(), cause);
  }

  @Override
  public void close() throws IOException {
    watchdog.cancel(false);
    super.close();
  }
}
