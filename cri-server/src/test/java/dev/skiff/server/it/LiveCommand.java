package dev.skiff.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command a test talks to while it runs (crictl exec -i, attach, port-forward): stdin stays
 * open until the test closes it, output is collected on threads so the test can wait for text
 * with a deadline. close() ends the process (only this one, by its handle) if it still runs.
 */
public final class LiveCommand implements AutoCloseable {
  private final Process process;
  private final StringBuilder stdout = new StringBuilder();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread[] readers = new Thread[2];

  private LiveCommand(Process process) {
    this.process = process;
    readers[0] = collect(process.getInputStream(), stdout, "stdout");
    readers[1] = collect(process.getErrorStream(), stderr, "stderr");
  }

  public static LiveCommand start(List<String> command) {
    try {
      return new LiveCommand(new ProcessBuilder(command).start());
    } catch (IOException e) {
      throw new AssertionError("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
  }

  private Thread collect(InputStream in, StringBuilder into, String name) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            notifyAll();
          }
        }
      } catch (IOException ended) {
        // The process is gone.
      }
    }, "live-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  public void write(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  public void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  public synchronized String stdout() {
    return stdout.toString();
  }

  public synchronized String stderr() {
    return stderr.toString();
  }

  /** Waits until stdout contains wanted; fails with both streams after timeout. */
  public synchronized String awaitStdout(String wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (stdout.indexOf(wanted) < 0 && System.nanoTime() < deadline) {
      wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    if (stdout.indexOf(wanted) < 0) {
      throw new AssertionError("'" + wanted + "' not printed within " + timeout + "\nstdout: " + stdout + "\nstderr: "
          + stderr);
    }
    return stdout.toString();
  }

  /** Waits for the exit and the end of its output; returns the exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "\nstdout: " + stdout() + "\nstderr: " + stderr());
    }
    for (Thread reader : readers) {
      reader.join(timeout.toMillis());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
