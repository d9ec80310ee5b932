package dev.skiff.image.content;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs stored once by digest under {@code ROOT/blobs/sha256/HEX}. Every write goes
 * through an {@link Ingest} in {@code ROOT/ingest}: verified against digest and size,
 * fsynced, then renamed into place, so a visible blob is always whole and correct; a
 * mismatch or a failure deletes the temp file. Two callers fetching the same digest at
 * once share one fetch.
 */
public final class ContentStore {
  private static final Logger LOG = LoggerFactory.getLogger(ContentStore.class);

  /** A source of a blob's bytes, opened only when the blob is not stored yet. */
  @FunctionalInterface
  public interface BlobSource {
    InputStream open() throws IOException;
  }

  private final Path blobs;
  private final Path ingest;
  private final ConcurrentMap<Digest, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();

  public ContentStore(Path root) throws IOException {
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.ingest = root.resolve("ingest");
    Files.createDirectories(blobs);
    Files.createDirectories(ingest);
  }

  /** Deletes temp files that a crash or a killed pull left in the ingest directory. */
  public void cleanIngest() throws IOException {
    try (Stream<Path> leftovers = Files.list(ingest)) {
      for (Path leftover : (Iterable<Path>) leftovers::iterator) {
        LOG.info("Deleting unfinished download {}", leftover.getFileName());
        Files.deleteIfExists(leftover);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  public Path path(Digest digest) {
    return blobs.resolve(digest.hex());
  }

  public boolean contains(Digest digest) {
    return Files.isRegularFile(path(digest));
  }

  public byte[] read(Digest digest) throws IOException {
    try {
      return Files.readAllBytes(path(digest));
    } catch (NoSuchFileException e) {
      throw ImageStoreException.notFound("blob " + digest + " is not in the content store");
    }
  }

  /** Starts writing a blob that must hash to {@code digest} and be {@code size} bytes long (-1: any size). */
  public Ingest begin(Digest digest, long size) throws IOException {
    return new Ingest(this, digest, size, ingest);
  }

  /** Stores small content held in memory, such as a manifest or a config. */
  public Path put(Digest digest, byte[] content) throws IOException {
    if (contains(digest)) {
      return path(digest);
    }
    try (Ingest writer = begin(digest, content.length)) {
      writer.write(content, 0, content.length);
      return writer.commit();
    }
  }

  /**
   * Returns the stored blob, fetching it from {@code source} unless it is already there.
   * Concurrent calls for one digest share one fetch.
   */
  public Path fetch(Digest digest, long size, BlobSource source) throws IOException {
    if (contains(digest)) {
      return path(digest);
    }
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> shared = inFlight.putIfAbsent(digest, mine);
    if (shared != null) {
      return await(shared);
    }
    try {
      Path stored;
      if (contains(digest)) {
        stored = path(digest);
      } else {
        try (Ingest writer = begin(digest, size); InputStream in = source.open()) {
          writer.copyFrom(in);
          stored = writer.commit();
        }
      }
      // Out of the map before completing, so a caller retrying after a failure starts afresh.
      inFlight.remove(digest, mine);
      mine.complete(stored);
      return stored;
    } catch (Throwable e) {
      inFlight.remove(digest, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  public void delete(Digest digest) throws IOException {
    DurableFiles.delete(path(digest));
  }

  public Set<Digest> list() throws IOException {
    Set<Digest> digests = new HashSet<>();
    try (Stream<Path> entries = Files.list(blobs)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("[a-f0-9]{64}"))
          .forEach(n -> digests.add(new Digest(n)));
    }
    return digests;
  }

  void publish(Path temp, Digest digest) throws IOException {
    Files.move(temp, path(digest), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.syncDirectory(blobs);
  }

  static Path await(CompletableFuture<Path> shared) throws IOException {
    try {
      return shared.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a shared download");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }
}
