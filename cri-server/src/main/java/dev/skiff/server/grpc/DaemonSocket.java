package dev.skiff.server.grpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Claims the socket path for this skiffd: an exclusive lock on {@code PATH.lock} proves no
 * other skiffd owns it; a leftover socket file that nobody answers on is a stale one from a
 * crash and is replaced; anything else at the path is refused rather than deleted.
 */
public final class DaemonSocket implements AutoCloseable {
  private final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DaemonSocket(Path path, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  public static DaemonSocket claim(Path path) throws SocketUnavailableException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new SocketUnavailableException("socket directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new SocketUnavailableException("socket directory " + dir + " is not writable");
    }
    Path lockPath = dir.resolve(path.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new SocketUnavailableException("cannot open lock file " + lockPath + ": " + e.getMessage());
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException heldHere) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new SocketUnavailableException("another skiffd is running on " + path);
      }
      removeStaleSocket(path);
      return new DaemonSocket(path, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new SocketUnavailableException("cannot lock " + lockPath + ": " + e.getMessage());
    } catch (SocketUnavailableException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void removeStaleSocket(Path path) throws SocketUnavailableException, IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!"socket".equals(fileType(path))) {
      throw new SocketUnavailableException(path + " exists and is not a socket; refusing to replace it");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      throw new SocketUnavailableException("another server is answering on " + path);
    } catch (IOException refused) {
      Files.delete(path);
    }
  }

  private static String fileType(Path path) throws IOException {
    // unix:mode's S_IFMT bits: 0140000 is a socket.
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000 ? "socket" : "other";
  }

  public Path path() {
    return path;
  }

  /** Sets the CRI socket's mode to 0660 once it is bound. */
  public void restrictPermissions() throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // The next skiffd replaces a stale socket anyway.
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it too.
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing to do: the process is giving the file up.
    }
  }

  /** The socket cannot be used; the message is the one line skiffd prints before exiting. */
  public static final class SocketUnavailableException extends Exception {
    public SocketUnavailableException(String message) {
      super(message);
    }
  }
}
