package dev.skiff.runtime.stream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ProcessSession} over one connection to a shim speaking {@link StdioFrames}: an
 * attach socket, or the pipes of an exec-stream shim. One daemon thread reads the frames and
 * sorts output into a bounded pipe per stream; output of a stream the client did not ask
 * for is dropped, so it can never stall the other one.
 */
final class FramedSession implements ProcessSession {
  private static final int PIPE_CAPACITY = 256 * 1024;

  private final String name;
  private final InputStream frames;
  private final OutputStream commands;
  private final Closeable transport;
  private final boolean tty;
  private final BytePipe stdout;
  private final BytePipe stderr;
  private final OutputStream stdin;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private FramedSession(String name, InputStream frames, OutputStream commands, Closeable transport, Stdio stdio,
      int readyFlags) {
    this.name = name;
    this.frames = frames;
    this.commands = commands;
    this.transport = transport;
    this.tty = (readyFlags & StdioFrames.TTY) != 0;
    this.stdout = stdio.stdout() ? new BytePipe(PIPE_CAPACITY) : null;
    this.stderr = stdio.stderr() && !stdio.tty() ? new BytePipe(PIPE_CAPACITY) : null;
    this.stdin = stdio.stdin() ? new FrameStdin() : OutputStream.nullOutputStream();
  }

  /**
   * Waits for the shim's READY and starts reading output. An ERROR (the command could not be
   * started) or a shim that ends first is thrown, with the transport closed.
   */
  static FramedSession open(String name, InputStream frames, OutputStream commands, Closeable transport, Stdio stdio)
      throws IOException {
    StdioFrames.Frame first;
    try {
      first = StdioFrames.read(frames);
      if (first == null) {
        throw new IOException("the shim ended before " + name + " started");
      }
      if (first.type() == StdioFrames.ERROR) {
        throw new IOException(new String(first.payload(), StandardCharsets.UTF_8));
      }
      if (first.type() != StdioFrames.READY || first.payload().length != 1) {
        throw new IOException("the shim answered frame type " + first.type() + " instead of READY for " + name);
      }
    } catch (IOException e) {
      transport.close();
      throw e;
    }
    FramedSession session = new FramedSession(name, frames, commands, transport, stdio, first.payload()[0]);
    Thread reader = new Thread(session::readFrames, "skiff-session-output");
    reader.setDaemon(true);
    reader.start();
    return session;
  }

  /** Whether the process (or the attached container) has a terminal. */
  boolean tty() {
    return tty;
  }

  private void readFrames() {
    try {
      StdioFrames.Frame frame;
      while ((frame = StdioFrames.read(frames)) != null) {
        switch (frame.type()) {
          case StdioFrames.STDOUT -> deliver(stdout, frame.payload());
          case StdioFrames.STDERR -> deliver(stderr, frame.payload());
          case StdioFrames.EXIT -> exit.complete(frame.u32());
          case StdioFrames.ERROR -> exit.completeExceptionally(
              new IOException(new String(frame.payload(), StandardCharsets.UTF_8)));
          default -> throw new IOException("unexpected frame type " + frame.type() + " from the shim of " + name);
        }
      }
      exit.completeExceptionally(new IOException("the shim of " + name + " ended without an exit status"));
    } catch (IOException e) {
      exit.completeExceptionally(closed ? new IOException(name + ": session closed") : e);
    } catch (InterruptedException e) {
      exit.completeExceptionally(e);
    } finally {
      if (stdout != null) {
        stdout.closeWriter();
      }
      if (stderr != null) {
        stderr.closeWriter();
      }
    }
  }

  private static void deliver(BytePipe pipe, byte[] data) throws InterruptedException {
    if (pipe != null) {
      pipe.write(data);
    }
  }

  private void send(int type, byte[] payload, int offset, int length) throws IOException {
    synchronized (writeLock) {
      if (closed) {
        throw new IOException(name + ": session closed");
      }
      StdioFrames.write(commands, type, payload, offset, length);
    }
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout != null ? stdout : InputStream.nullInputStream();
  }

  @Override
  public InputStream stderr() {
    return stderr != null ? stderr : InputStream.nullInputStream();
  }

  @Override
  public void resize(TerminalSize size) throws IOException {
    if (tty) {
      byte[] payload = StdioFrames.resize(size);
      send(StdioFrames.RESIZE, payload, 0, payload.length);
    }
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (stdout != null) {
      stdout.close();
    }
    if (stderr != null) {
      stderr.close();
    }
    transport.close();
  }

  /** Stdin as STDIN frames; close is STDIN_CLOSE (sent once). */
  private final class FrameStdin extends OutputStream {
    private boolean ended;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int done = 0; done < len; ) {
        int n = Math.min(len - done, StdioFrames.MAX_PAYLOAD);
        send(StdioFrames.STDIN, b, off + done, n);
        done += n;
      }
    }

    @Override
    public void close() throws IOException {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      try {
        send(StdioFrames.STDIN_CLOSE, new byte[0], 0, 0);
      } catch (IOException shimGone) {
        // The process and its shim ended already: there is no stdin left to close.
      }
    }
  }
}
