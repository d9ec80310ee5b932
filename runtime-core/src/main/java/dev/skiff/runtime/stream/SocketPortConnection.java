package dev.skiff.runtime.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;

/** A {@link PortConnection} over a connected blocking socket. */
final class SocketPortConnection implements PortConnection {
  private final SocketChannel channel;
  private final InputStream input;
  private final OutputStream output;

  SocketPortConnection(SocketChannel channel) throws IOException {
    this.channel = channel;
    // The socket adaptor's streams lock each direction separately (Channels.newInputStream
    // would serialise a blocked read against writes).
    this.input = channel.socket().getInputStream();
    OutputStream raw = channel.socket().getOutputStream();
    this.output = new OutputStream() {
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
        if (channel.isOpen()) {
          channel.shutdownOutput();
        }
      }
    };
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a socket only fails if it is already gone.
    }
  }
}
