package dev.skiff.server.stream;

import dev.skiff.runtime.stream.Stdio;
import java.util.List;

/**
 * A validated CRI streaming request, cached under a token until the client connects. The
 * client's HTTP request carries only the token, so everything the session does comes from here.
 */
public sealed interface PendingStream {
  Endpoint endpoint();

  /** Exec: {@code command} in container {@code containerId}. */
  record Exec(String containerId, List<String> command, Stdio stdio) implements PendingStream {
    public Exec {
      command = List.copyOf(command);
    }

    @Override
    public Endpoint endpoint() {
      return Endpoint.EXEC;
    }
  }

  /** Attach to the main process of container {@code containerId}. */
  record Attach(String containerId, Stdio stdio) implements PendingStream {
    @Override
    public Endpoint endpoint() {
      return Endpoint.ATTACH;
    }
  }

  /**
   * Port forward into pod {@code podId}. SPDY clients name the port per connection; the
   * {@code ports} list is only used by WebSocket v4 port forwarding (channel pairs in order).
   */
  record PortForward(String podId, List<Integer> ports) implements PendingStream {
    public PortForward {
      ports = List.copyOf(ports);
    }

    @Override
    public Endpoint endpoint() {
      return Endpoint.PORT_FORWARD;
    }
  }
}
