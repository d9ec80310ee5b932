package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the checkpoint archive at the location kubelet or crictl named, all or nothing: the
 * tar goes to a hidden temp file beside it (mode 0600: it holds every memory page of the
 * container), is fsynced and renamed over the location, then the directory is fsynced. A
 * marker in skiffd's pending directory names the temp file while it exists, so a crash
 * mid-write leaves nothing a restarted skiffd cannot find: {@link #cleanPending} removes it.
 */
final class CheckpointArchive {
  static final String TEMP_MARK = ".skiff-checkpoint-";
  /** Metadata first, so a reader that stops early (checkpointctl show) has what it needs. */
  static final List<String> ORDER = List.of("config.dump", "spec.dump", "status.dump", "bind.mounts",
      "checkpoint", "rootfs-diff.tar", "deleted.files", "container.log", "dump.log", "stats-dump");

  private CheckpointArchive() {}

  /** The location's parent must be a directory and the location must not be one. */
  static void checkLocation(Path location) throws CheckpointException {
    if (!location.isAbsolute()) {
      throw invalid("location " + location + " is not an absolute path");
    }
    Path parent = location.getParent();
    if (parent == null || location.getFileName() == null) {
      throw invalid("location " + location + " names no file");
    }
    if (!Files.isDirectory(parent)) {
      throw invalid("location " + location + ": directory " + parent + " does not exist");
    }
    if (Files.isDirectory(location, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("location " + location + " is a directory; it must name the archive file to write");
    }
  }

  static void write(Path staging, Path location, Path pendingDir, Deadline deadline) throws CheckpointException {
    String nonce = UUID.randomUUID().toString().substring(0, 8);
    Path temp = location.resolveSibling("." + location.getFileName() + TEMP_MARK + nonce);
    Path marker = pendingDir.resolve(nonce);
    try {
      Files.createDirectories(pendingDir);
      Files.writeString(marker, temp.toString(), StandardCharsets.UTF_8);
      fsync(marker);
    } catch (IOException e) {
      throw new CheckpointException(CheckpointException.Kind.INTERNAL, "cannot record pending archive in "
          + pendingDir + ": " + e.getMessage(), e);
    }
    boolean done = false;
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream file = Files.newOutputStream(temp, StandardOpenOption.WRITE);
           TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Path top : topLevel(staging)) {
          addTree(out, staging, top, deadline);
        }
        out.finish();
      }
      deadline.check("writing the archive " + location);
      fsync(temp);
      try {
        Files.move(temp, location, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new CheckpointException(CheckpointException.Kind.INTERNAL, "cannot rename " + temp + " to " + location
            + ": " + e.getMessage(), e);
      }
      done = true;
      fsyncDirectory(location.getParent());
    } catch (IOException e) {
      throw new CheckpointException(CheckpointException.Kind.INTERNAL, "cannot write checkpoint archive "
          + location + ": " + e.getMessage(), e);
    } finally {
      if (!done) {
        deleteQuietly(temp);
      }
      deleteQuietly(marker);
    }
  }

  /** At start: removes the temp files a crash left behind, then their markers. */
  static void cleanPending(Path pendingDir) throws IOException {
    if (!Files.isDirectory(pendingDir)) {
      return;
    }
    try (DirectoryStream<Path> markers = Files.newDirectoryStream(pendingDir)) {
      for (Path marker : markers) {
        String named = Files.readString(marker, StandardCharsets.UTF_8).strip();
        Path temp = named.isEmpty() ? null : Path.of(named);
        // Only ever a file this class names: hidden, with the mark, absolute.
        if (temp != null && temp.isAbsolute() && temp.getFileName().toString().startsWith(".")
            && temp.getFileName().toString().contains(TEMP_MARK)) {
          Files.deleteIfExists(temp);
        }
        Files.deleteIfExists(marker);
      }
    }
  }

  private static List<Path> topLevel(Path staging) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(staging)) {
      entries = new ArrayList<>(list.toList());
    }
    entries.sort(Comparator.comparingInt((Path p) -> {
      int i = ORDER.indexOf(p.getFileName().toString());
      return i < 0 ? ORDER.size() : i;
    }).thenComparing(p -> p.getFileName().toString()));
    return entries;
  }

  private static void addTree(TarArchiveOutputStream out, Path staging, Path entry, Deadline deadline)
      throws IOException, CheckpointException {
    deadline.check("writing the archive");
    String name = staging.relativize(entry).toString();
    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      TarArchiveEntry dir = new TarArchiveEntry(name + "/");
      dir.setMode(0700);
      dir.setModTime(Files.getLastModifiedTime(entry));
      out.putArchiveEntry(dir);
      out.closeArchiveEntry();
      List<Path> children;
      try (Stream<Path> list = Files.list(entry)) {
        children = list.sorted().toList();
      }
      for (Path child : children) {
        addTree(out, staging, child, deadline);
      }
      return;
    }
    if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    TarArchiveEntry file = new TarArchiveEntry(name);
    file.setMode(0600);
    file.setSize(Files.size(entry));
    file.setModTime(Files.getLastModifiedTime(entry));
    out.putArchiveEntry(file);
    try (InputStream in = Files.newInputStream(entry)) {
      in.transferTo(out);
    }
    out.closeArchiveEntry();
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // cleanPending removes it at the next start
    }
  }

  private static CheckpointException invalid(String message) {
    return new CheckpointException(CheckpointException.Kind.INVALID, message);
  }
}
