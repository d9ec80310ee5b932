package dev.skiff.server.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of a file's contents: write a temp file beside it, fsync it,
 * rename it over the target, fsync the directory. A reader sees the old or the new
 * contents, never a torn mix; a crash leaves at most a {@code .tmp} file that
 * {@link RecordStore} deletes at load.
 */
public final class AtomicFile {
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFile() {}

  public static void write(Path target, byte[] contents) throws IOException {
    replace(target, contents, true);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * The first half of {@link #write}, for a caller with other work to do meanwhile: temp file,
   * rename, no fsync. Once it returns a crash of skiffd finds the new contents; once
   * {@link #sync} has returned, so does a crash of the machine. In between, a machine crash
   * can leave the file missing or empty (a new file's data may not be on disk yet), which
   * {@link RecordStore} treats as a torn write.
   */
  public static void writeUnsynced(Path target, byte[] contents) throws IOException {
    replace(target, contents, false);
  }

  /** Writes a temp file beside target (fsynced when asked) and renames it over target. */
  private static void replace(Path target, byte[] contents, boolean force) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "."
        + Thread.currentThread().getId() + TEMP_SUFFIX);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(contents);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (force) {
        channel.force(true);
      }
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The second half: makes what {@link #writeUnsynced} wrote durable, contents and name. */
  public static void sync(Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
      channel.force(true);
    }
    syncDirectory(target.toAbsolutePath().getParent());
  }

  public static void delete(Path target) throws IOException {
    if (Files.deleteIfExists(target)) {
      syncDirectory(target.toAbsolutePath().getParent());
    }
  }

  /** Makes a rename or unlink in {@code dir} durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
