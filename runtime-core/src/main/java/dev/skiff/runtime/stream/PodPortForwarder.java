package dev.skiff.runtime.stream;

import dev.skiff.runtime.linux.Namespaces;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Opens TCP connections to localhost ports inside one pod's network namespace, the way
 * containerd's port forward does (127.0.0.1 first, then ::1), not through the pod IP: a
 * listener bound to loopback in the pod is reachable too.
 *
 * <p>A socket belongs to the namespace of the thread that created it, for its whole life. So
 * each connection is created on a fresh short-lived thread that enters the namespace, creates
 * and connects the socket, hands it back and exits; the JVM's other threads never change
 * namespace.
 */
public final class PodPortForwarder {
  private static final InetAddress[] LOCALHOST = {ipv4Loopback(), ipv6Loopback()};

  private final Path netns;

  /**
   * @param netns the pod's pinned network namespace, e.g. {@code /run/skiff/netns/POD}; null
   *     for a host-network pod, whose ports are the host's own
   */
  public PodPortForwarder(Path netns) {
    this.netns = netns;
  }

  public PortConnection connect(int port) throws IOException {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    CompletableFuture<SocketChannel> connected = new CompletableFuture<>();
    Thread thread = new Thread(() -> connectInNamespace(port, connected), "netns-connect-" + port);
    thread.setDaemon(true);
    thread.start();
    try {
      return new SocketPortConnection(connected.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to port " + port + " in " + netns, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
    }
  }

  private void connectInNamespace(int port, CompletableFuture<SocketChannel> result) {
    try {
      // This thread stays in the pod's namespace; it ends right after this connect.
      if (netns != null) {
        Namespaces.join(netns.toString(), Namespaces.CLONE_NEWNET);
      }
    } catch (IOException e) {
      result.completeExceptionally(e);
      return;
    }
    IOException last = null;
    for (InetAddress address : LOCALHOST) {
      SocketChannel channel = null;
      try {
        channel = SocketChannel.open(address instanceof Inet6Address
            ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        channel.connect(new InetSocketAddress(address, port));
        result.complete(channel);
        return;
      } catch (IOException e) {
        closeQuietly(channel);
        if (last == null) {
          last = e;
        }
      }
    }
    result.completeExceptionally(new ConnectException(
        "nothing accepts connections on localhost:" + port
            + (netns != null ? " in network namespace " + netns : " of the host") + ": "
            + last.getMessage()));
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failed; nothing to release beyond the fd.
      }
    }
  }

  private static InetAddress ipv4Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InetAddress ipv6Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
