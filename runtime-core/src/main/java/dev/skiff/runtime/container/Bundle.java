package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's bundle directory: the OCI files skiffd writes and the files the shim leaves
 * (see src/main/c/status.h and control.h).
 * <pre>
 *   config.json   OCI runtime spec (skiffd)        shim.sock   control socket (shim)
 *   shim-plan     launch plan (skiffd)             state       pids and start times (shim)
 *   rootfs/       OverlayFS mount (skiffd)         started     exec succeeded (shim)
 *   shim.log      shim diagnostics (shim)          exit        exit status (shim)
 *   cgroup        the container's cgroup (skiffd)  attach.sock stdio of the process (shim)
 *   exec-P-N.{out,err,result}  one ExecSync of the skiffd with pid P (skiffd, exec shim)
 * </pre>
 * {@code cgroup} is written before the cgroup is made: a bundle whose record is lost still
 * names the cgroup to remove.
 */
public record Bundle(Path dir) {
  public Path config() {
    return dir.resolve("config.json");
  }

  public Path plan() {
    return dir.resolve("shim-plan");
  }

  public Path rootfs() {
    return dir.resolve("rootfs");
  }

  public Path socket() {
    return dir.resolve("shim.sock");
  }

  /** Attach clients connect here (frame protocol in src/main/c/frame.h). */
  public Path attachSocket() {
    return dir.resolve("attach.sock");
  }

  public Path stateFile() {
    return dir.resolve("state");
  }

  public Path startedFile() {
    return dir.resolve("started");
  }

  public Path exitFile() {
    return dir.resolve("exit");
  }

  /** The container's cgroup path (relative to skiff's root), written before the cgroup exists. */
  public Path cgroupFile() {
    return dir.resolve("cgroup");
  }

  public Path shimLog() {
    return dir.resolve("shim.log");
  }

  /**
   * Reads a "key value" file of the shim; null when it does not exist. Empty counts as absent:
   * the files are renamed into place whole, so only a machine crash on a run directory that
   * is not tmpfs can leave one empty (they are not fsync'd, see {@link #writeAtomic}).
   */
  public static Map<String, String> readKeyValues(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (text.isEmpty()) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        values.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    return values;
  }

  /**
   * temp file, rename: a reader sees all or nothing. Not fsync'd: a bundle lives in the run
   * directory (tmpfs), and describes a container that a reboot ends; a crash of skiffd loses
   * nothing that is in the page cache. (Durable records go through the state directory.)
   */
  public static void writeAtomic(Path target, byte[] contents) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(contents);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
