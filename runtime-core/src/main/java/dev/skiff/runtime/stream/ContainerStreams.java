package dev.skiff.runtime.stream;

import dev.skiff.runtime.container.ContainerProcess;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * skiff's {@link StreamBackend}: exec through {@code skiff-shim exec-stream} (the ExecSync
 * entry path, interactive), attach through the container shim's {@code attach.sock}, port
 * forward through {@link PodPortForwarder}. It knows containers and pods only through the
 * lookups it is given, so it does not depend on the CRI layer's stores.
 */
public final class ContainerStreams implements StreamBackend {
  private final Function<String, ContainerProcess> containers;
  private final Function<String, Optional<Path>> podNetworks;
  private final Path shim;

  /**
   * @param containers full container id → its process under the shim; throws
   *     {@link NoSuchElementException} naming an id it does not know
   * @param podNetworks full pod id → its pinned network namespace, empty for a host-network
   *     pod; throws {@link NoSuchElementException} naming an id it does not know
   * @param shim the skiff-shim binary
   */
  public ContainerStreams(Function<String, ContainerProcess> containers, Function<String, Optional<Path>> podNetworks,
      Path shim) {
    this.containers = containers;
    this.podNetworks = podNetworks;
    this.shim = shim;
  }

  @Override
  public ProcessSession exec(String containerId, List<String> command, Stdio stdio) throws IOException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("exec in container " + containerId + " needs a command");
    }
    ContainerProcess container = running(containerId);
    List<String> argv = new ArrayList<>(List.of(shim.toString(), "exec-stream",
        "--bundle", container.bundle().dir().toString(),
        "--pid", Integer.toString(container.pid()), "--pid-start", Long.toString(container.state().pidStart())));
    if (stdio.tty()) {
      argv.add("--tty");
    }
    if (stdio.stdin()) {
      argv.add("--stdin");
    }
    argv.add("--");
    argv.addAll(command);
    Process process = new ProcessBuilder(argv)
        .redirectError(ProcessBuilder.Redirect.appendTo(container.bundle().shimLog().toFile()))
        .start();
    // Closing our ends is "client gone" for the shim; the process is never destroyed here:
    // the shim stays to reap the command, and the JVM reaps the shim.
    Closeable pipes = () -> {
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
    };
    return FramedSession.open("exec " + command + " in container " + containerId, process.getInputStream(),
        process.getOutputStream(), pipes, stdio);
  }

  @Override
  public ProcessSession attach(String containerId, Stdio stdio) throws IOException {
    ContainerProcess container = running(containerId);
    Path socket = container.bundle().attachSocket();
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot attach to container " + containerId + ": its shim does not answer on " + socket
          + " (" + e.getMessage() + ")", e);
    }
    InputStream in = new java.io.BufferedInputStream(new ChannelInput(channel), StdioFrames.MAX_PAYLOAD);
    OutputStream out = new ChannelOutput(channel);
    StdioFrames.write(out, StdioFrames.HELLO, new byte[] {(byte) (stdio.stdin() ? StdioFrames.WANTS_STDIN : 0)}, 0, 1);
    return FramedSession.open("attach to container " + containerId, in, out, channel, stdio);
  }

  @Override
  public PortConnection connectPort(String podId, int port) throws IOException {
    Optional<Path> netns = podNetworks.apply(podId);
    return new PodPortForwarder(netns.orElse(null)).connect(port);
  }

  private ContainerProcess running(String containerId) throws IOException {
    ContainerProcess container = containers.apply(containerId);
    ContainerProcess.Phase phase = container.phase();
    if (phase != ContainerProcess.Phase.RUNNING) {
      throw new IOException("container " + containerId + " is not running (" + phase.name().toLowerCase() + ")");
    }
    return container;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // The other side is gone already; the fd is released either way.
    }
  }

  /**
   * Reads straight from the channel. Channels.newInputStream would hold the channel's blocking
   * lock during a read, and block every write of stdin behind it.
   */
  private static final class ChannelInput extends InputStream {
    private final SocketChannel channel;

    ChannelInput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
    }
  }

  private static final class ChannelOutput extends OutputStream {
    private final SocketChannel channel;

    ChannelOutput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }
}
