package dev.skiff.image.snapshot;

import dev.skiff.image.content.DurableFiles;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.unpack.FileSystemCalls;
import dev.skiff.image.unpack.LayerUnpacker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory per unpacked layer, {@code ROOT/HEX} named by the layer's chain ID, ready
 * to be an OverlayFS lowerdir. A layer is unpacked into {@code ROOT/.tmp-HEX-RANDOM},
 * flushed with syncfs, and renamed into place: a visible snapshot is always complete.
 * Deletion renames to {@code ROOT/.trash-…} first, so a crash mid-delete leaves nothing a
 * lookup could mistake for a snapshot. Startup deletes every {@code .tmp-} and
 * {@code .trash-} directory.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final String TRASH_PREFIX = ".trash-";

  private final Path root;

  public SnapshotStore(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root);
  }

  public Path root() {
    return root;
  }

  public void cleanLeftovers() throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.startsWith(DurableFiles.TEMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
          LOG.info("Deleting unfinished snapshot directory {}", name);
          LayerUnpacker.deleteTree(entry);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  public Path path(Digest chainId) {
    return root.resolve(chainId.hex());
  }

  public boolean contains(Digest chainId) {
    return Files.isDirectory(path(chainId));
  }

  /** A fresh empty directory to unpack into; pass it to {@link #commit} or {@link #discard}. */
  public Path prepare(Digest chainId) throws IOException {
    Path temp = root.resolve(DurableFiles.TEMP_PREFIX + chainId.hex() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.createDirectory(temp);
    return temp;
  }

  /** Publishes an unpacked directory; if another pull published the same chain ID first, keeps that one. */
  public Path commit(Path prepared, Digest chainId) throws IOException {
    Path target = path(chainId);
    if (Files.isDirectory(target)) {
      discard(prepared);
      return target;
    }
    FileSystemCalls.syncfs(prepared);
    Files.move(prepared, target, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.syncDirectory(root);
    return target;
  }

  public void discard(Path prepared) {
    try {
      if (Files.exists(prepared)) {
        LayerUnpacker.deleteTree(prepared);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete unfinished snapshot {}: {}", prepared, e.getMessage());
    }
  }

  public void delete(Digest chainId) throws IOException {
    Path target = path(chainId);
    if (!Files.isDirectory(target)) {
      return;
    }
    Path trash = root.resolve(TRASH_PREFIX + chainId.hex() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.syncDirectory(root);
    LayerUnpacker.deleteTree(trash);
  }

  public Set<Digest> list() throws IOException {
    Set<Digest> chainIds = new HashSet<>();
    try (Stream<Path> entries = Files.list(root)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("[a-f0-9]{64}"))
          .forEach(n -> chainIds.add(new Digest(n)));
    }
    return chainIds;
  }

  /** The chain ID of layer n: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
  public static Digest chainId(Digest parentChainId, Digest diffId) {
    if (parentChainId == null) {
      return diffId;
    }
    return Digest.of((parentChainId + " " + diffId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
