package dev.skiff.runtime.stream;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One TCP connection to a port inside a pod. Reading and writing happen on different threads
 * at once; closing {@link #output()} half-closes (shutdown(SHUT_WR)), so the pod sees EOF
 * while its answer still flows back.
 */
public interface PortConnection extends Closeable {
  InputStream input();

  OutputStream output();

  /** Closes both directions and the socket; idempotent. */
  @Override
  void close();
}
