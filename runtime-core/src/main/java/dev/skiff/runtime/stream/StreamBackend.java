package dev.skiff.runtime.stream;

import java.io.IOException;
import java.util.List;

/**
 * What skiff's streaming server (cri-server, {@code dev.skiff.server.stream}) needs from the
 * runtime to serve {@code Exec}, {@code Attach} and {@code PortForward}. It knows nothing of
 * HTTP, SPDY or WebSocket: it gets plain byte streams and pumps them itself, one thread per
 * stream, so every stream here may block.
 *
 * <p>Ids are full ids, already resolved and checked (exists, running / ready) by the RPC when
 * the URL was handed out; a container that went away since is reported by throwing
 * {@link java.util.NoSuchElementException} or an {@link IOException} naming it.
 *
 * <p>Nothing here may kill a process when the client goes away: the server closes the
 * session (stdin EOF, output fds released) and the process decides for itself.
 */
public interface StreamBackend {
  /**
   * Starts {@code command} in the running container through the same entry path as ExecSync
   * (the shim's exec: the container's namespaces, cgroup, user, env and cwd). With
   * {@code stdio.tty()} the process gets a new pty as its controlling terminal, stdout of the
   * session is the pty master's output (stdout and stderr together) and
   * {@link ProcessSession#resize} sets the pty's window size. Returns once the process runs.
   */
  ProcessSession exec(String containerId, List<String> command, Stdio stdio) throws IOException;

  /**
   * Connects to the stdio of the container's main process through its shim: output is a live
   * copy (the shim keeps writing the CRI log file), stdin only if the container was created with
   * {@code stdin}; with {@code stdin_once} the shim closes the container's stdin when this
   * session's stdin ends. With a tty container, resize sets the console's window size. The
   * session's {@link ProcessSession#exit} completes when the container exits.
   */
  ProcessSession attach(String containerId, Stdio stdio) throws IOException;

  /**
   * Opens a TCP connection to {@code port} on localhost inside the pod's network namespace
   * (tcp4 127.0.0.1, then tcp6 ::1), or on the host for host-network pods; see
   * {@link PodPortForwarder}. Throws when nothing listens there; the message is sent to the
   * client on that connection's error stream, so it should name the port.
   */
  PortConnection connectPort(String podId, int port) throws IOException;
}
