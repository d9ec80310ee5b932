package dev.skiff.runtime.stream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The client's view of one exec'd process or one attachment to a container. Streams that the
 * {@link Stdio} did not ask for are empty ({@link InputStream#nullInputStream()},
 * {@link OutputStream#nullOutputStream()}), never null.
 *
 * <p>The streaming server reads stdout and stderr to EOF on their own threads, writes stdin
 * from another and closes it on the client's stdin EOF; resize may come from any thread.
 */
public interface ProcessSession extends Closeable {
  /** Closing it is stdin EOF for the process. */
  OutputStream stdin();

  /** With a tty: everything the terminal prints. EOF when the process (or, attached, every holder) closed it. */
  InputStream stdout();

  InputStream stderr();

  /** Applies a window size; ignored without a tty. */
  void resize(TerminalSize size) throws IOException;

  /**
   * Completes with the exit status once the process has exited and been reaped (exec), or
   * the container has exited (attach). Completes exceptionally if the runtime loses track of it.
   */
  CompletableFuture<Integer> exit();

  /** Releases every fd the session holds; never signals the process. Idempotent. */
  @Override
  void close() throws IOException;
}
