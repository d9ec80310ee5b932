package dev.skiff.server.stream;

import dev.skiff.runtime.stream.PortConnection;
import dev.skiff.runtime.stream.ProcessSession;
import dev.skiff.runtime.stream.StreamBackend;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.runtime.stream.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Unit-test backend only: "containers" are host processes (exec runs the command; attach runs
 * the container id as a command), "pods" are the host loopback. A tty merges stderr into
 * stdout, as a terminal would, and records resizes.
 */
final class HostProcessBackend implements StreamBackend {
  final BlockingQueue<TerminalSize> resizes = new LinkedBlockingQueue<>();
  final BlockingQueue<Process> started = new LinkedBlockingQueue<>();

  @Override
  public ProcessSession exec(String containerId, List<String> command, Stdio stdio) throws IOException {
    if (containerId.equals("missing")) {
      throw new IOException("container missing is gone");
    }
    return start(command, stdio);
  }

  @Override
  public ProcessSession attach(String containerId, Stdio stdio) throws IOException {
    return start(List.of("sh", "-c", containerId), stdio);
  }

  @Override
  public PortConnection connectPort(String podId, int port) throws IOException {
    Socket socket;
    try {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
    } catch (ConnectException e) {
      throw new ConnectException("nothing listens on port " + port + ": " + e.getMessage());
    }
    return new PortConnection() {
      @Override
      public InputStream input() {
        try {
          return socket.getInputStream();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public OutputStream output() {
        try {
          OutputStream raw = socket.getOutputStream();
          return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              raw.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              raw.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
              if (!socket.isClosed()) {
                socket.shutdownOutput();
              }
            }
          };
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Already closed.
        }
      }
    };
  }

  private ProcessSession start(List<String> command, Stdio stdio) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(stdio.tty());
    Process process = builder.start();
    started.add(process);
    return new ProcessSession() {
      @Override
      public OutputStream stdin() {
        return process.getOutputStream();
      }

      @Override
      public InputStream stdout() {
        return process.getInputStream();
      }

      @Override
      public InputStream stderr() {
        return stdio.tty() ? InputStream.nullInputStream() : process.getErrorStream();
      }

      @Override
      public void resize(TerminalSize size) {
        resizes.add(size);
      }

      @Override
      public CompletableFuture<Integer> exit() {
        return process.onExit().thenApply(Process::exitValue);
      }

      @Override
      public void close() throws IOException {
        process.getOutputStream().close();
        process.getInputStream().close();
        process.getErrorStream().close();
      }
    };
  }
}
