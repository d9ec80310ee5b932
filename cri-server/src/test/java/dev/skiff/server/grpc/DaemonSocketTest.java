package dev.skiff.server.grpc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonSocketTest {
  @TempDir
  Path dir;

  @Test
  void staleSocketFromACrashIsReplaced() throws Exception {
    Path path = dir.resolve("s.sock");
    // Bind and close without unlinking: what a killed server leaves behind.
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    assertTrue(Files.exists(path));
    try (DaemonSocket socket = DaemonSocket.claim(path)) {
      assertFalse(Files.exists(path));
    }
  }

  @Test
  void liveServerOnThePathIsNotDisturbed() throws Exception {
    Path path = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      var e = assertThrows(DaemonSocket.SocketUnavailableException.class, () -> DaemonSocket.claim(path));
      assertTrue(e.getMessage().contains("answering"), e.getMessage());
      assertTrue(Files.exists(path));
    }
  }

  @Test
  void secondClaimWhileLockedIsRefused() throws Exception {
    Path path = dir.resolve("s.sock");
    try (DaemonSocket first = DaemonSocket.claim(path)) {
      var e = assertThrows(DaemonSocket.SocketUnavailableException.class, () -> DaemonSocket.claim(path));
      assertTrue(e.getMessage().contains("another skiffd"), e.getMessage());
    }
  }

  @Test
  void regularFileAtThePathIsRefusedAndKept() throws IOException {
    Path path = dir.resolve("s.sock");
    Files.writeString(path, "precious");
    assertThrows(DaemonSocket.SocketUnavailableException.class, () -> DaemonSocket.claim(path));
    assertTrue(Files.readString(path).equals("precious"));
  }

  @Test
  void missingDirectoryIsNamed() {
    Path path = dir.resolve("missing/s.sock");
    var e = assertThrows(DaemonSocket.SocketUnavailableException.class, () -> DaemonSocket.claim(path));
    assertTrue(e.getMessage().contains(dir.resolve("missing").toString()), e.getMessage());
  }
}
