package dev.skiff.server.stream;

import dev.skiff.runtime.stream.ProcessSession;
import dev.skiff.runtime.stream.StreamBackend;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.runtime.stream.TerminalSize;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec or attach session, independent of the wire protocol:
 *
 * <pre>
 *   open (backend.exec / attach, on an I/O thread)
 *     ├─ stdin:  InboundPipe ──▶ session.stdin()      (client EOF ⇒ close ⇒ process EOF)
 *     ├─ stdout: session.stdout() ──▶ OutputPump ──▶ client
 *     ├─ stderr: session.stderr() ──▶ OutputPump ──▶ client   (not with a tty)
 *     └─ resize: ResizeDecoder ──▶ session.resize()
 *   all output at EOF and the process exited ⇒ status ⇒ close connection ⇒ session.close()
 *   client gone first ⇒ stdin EOF, session.close() (releases fds; never kills the process)
 * </pre>
 */
final class RemoteCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteCommand.class);

  private final PendingStream request;
  private final StreamBackend backend;
  private final Executor io;
  private final CommandStreams streams;
  private final InboundPipe stdin;
  private ProcessSession session;
  private TerminalSize pendingSize;
  private boolean clientGone;
  private boolean closed;

  RemoteCommand(PendingStream request, StreamBackend backend, Executor io, CommandStreams streams, InboundPipe stdin) {
    if (!(request instanceof PendingStream.Exec) && !(request instanceof PendingStream.Attach)) {
      throw new IllegalArgumentException("not an exec or attach request: " + request);
    }
    this.request = request;
    this.backend = backend;
    this.io = io;
    this.streams = streams;
    this.stdin = stdin;
  }

  Stdio stdio() {
    return request instanceof PendingStream.Exec exec ? exec.stdio() : ((PendingStream.Attach) request).stdio();
  }

  void start() {
    io.execute(this::open);
  }

  /** A terminal size from the client; applied now, or once the process runs. */
  void resize(TerminalSize size) {
    ProcessSession target;
    synchronized (this) {
      if (session == null) {
        pendingSize = size;
        return;
      }
      target = session;
    }
    applySize(target, size);
  }

  /** The connection ended before the session did. */
  void clientGone() {
    ProcessSession toClose;
    synchronized (this) {
      if (clientGone) {
        return;
      }
      clientGone = true;
      toClose = session;
    }
    stdin.end();
    if (toClose != null) {
      LOG.debug("Client of {} went away; releasing the session", describe());
      close(toClose);
    }
  }

  private void open() {
    ProcessSession opened;
    try {
      opened = request instanceof PendingStream.Exec exec
          ? backend.exec(exec.containerId(), exec.command(), exec.stdio())
          : backend.attach(((PendingStream.Attach) request).containerId(), stdio());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Failed to {}: {}", describe(), e.toString());
      stdin.discard();
      streams.finish(new CommandOutcome.Failed(failurePrefix() + message(e)));
      return;
    }
    TerminalSize size;
    boolean gone;
    synchronized (this) {
      session = opened;
      size = pendingSize;
      gone = clientGone;
    }
    if (gone) {
      close(opened);
      return;
    }
    if (size != null) {
      applySize(opened, size);
    }
    Stdio stdio = stdio();
    if (stdio.stdin()) {
      stdin.connect(opened.stdin());
    } else {
      stdin.discard();
      closeQuietly(opened.stdin());
    }
    List<CompletableFuture<?>> parts = new ArrayList<>();
    if (stdio.stdout()) {
      parts.add(OutputPump.start(opened.stdout(), streams.stdout(), io));
    }
    if (stdio.stderr() && !stdio.tty()) {
      parts.add(OutputPump.start(opened.stderr(), streams.stderr(), io));
    }
    CompletableFuture<Integer> exit = opened.exit();
    parts.add(exit);
    CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .whenComplete((ignored, failure) -> end(opened, exit));
  }

  private void end(ProcessSession opened, CompletableFuture<Integer> exit) {
    CommandOutcome outcome;
    try {
      int code = exit.join();
      outcome = code == 0 || request instanceof PendingStream.Attach
          ? new CommandOutcome.Success()
          : new CommandOutcome.NonZeroExit(code, "error executing command " + ((PendingStream.Exec) request).command());
    } catch (CompletionException e) {
      outcome = new CommandOutcome.Failed(failurePrefix() + message(e.getCause()));
    }
    boolean gone;
    synchronized (this) {
      gone = clientGone;
    }
    if (!gone) {
      streams.finish(outcome);
    }
    close(opened);
  }

  private void close(ProcessSession target) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      target.close();
    } catch (IOException e) {
      LOG.debug("Closing session of {} failed: {}", describe(), e.toString());
    }
  }

  private void applySize(ProcessSession target, TerminalSize size) {
    try {
      target.resize(size);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Resize of {} to {} failed: {}", describe(), size, e.toString());
    }
  }

  private String failurePrefix() {
    return request instanceof PendingStream.Exec
        ? "Internal error occurred: error executing command in container: "
        : "Internal error occurred: error attaching to container: ";
  }

  private static String message(Throwable e) {
    if (e instanceof NoSuchElementException) {
      return e.getMessage();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private String describe() {
    return request instanceof PendingStream.Exec exec
        ? "exec " + exec.command() + " in container " + exec.containerId()
        : "attach to container " + ((PendingStream.Attach) request).containerId();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // Not used by this session.
    }
  }
}
