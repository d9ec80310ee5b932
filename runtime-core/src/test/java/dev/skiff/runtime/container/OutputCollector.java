package dev.skiff.runtime.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a stream on its own thread, so a test can wait for text with a deadline instead of blocking forever. */
final class OutputCollector {
  private final StringBuilder text = new StringBuilder();
  private boolean eof;
  private IOException failure;

  OutputCollector(InputStream in, String name) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            notifyAll();
          }
        }
      } catch (IOException e) {
        synchronized (this) {
          failure = e;
        }
      } finally {
        synchronized (this) {
          eof = true;
          notifyAll();
        }
      }
    }, "test-output-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  synchronized String awaitContains(String wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (text.indexOf(wanted) < 0 && !eof && System.nanoTime() < deadline) {
      wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    if (text.indexOf(wanted) < 0) {
      throw new AssertionError("'" + wanted + "' did not appear within " + timeout + (eof ? " (stream ended)" : "")
          + "; got: '" + text + "'" + (failure != null ? " after " + failure : ""));
    }
    return text.toString();
  }

  synchronized String awaitEof(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!eof && System.nanoTime() < deadline) {
      wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    if (!eof) {
      throw new AssertionError("stream did not end within " + timeout + "; got: '" + text + "'");
    }
    return text.toString();
  }
}
