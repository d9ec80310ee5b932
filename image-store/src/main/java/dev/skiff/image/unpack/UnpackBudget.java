package dev.skiff.image.unpack;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.content.ObservedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bounds what one layer may decompress to, against decompression bombs: the uncompressed
 * stream may not exceed {@code maxBytes}, and every {@link #CHECK_EVERY} bytes the free
 * space of the filesystem being written is compared with {@code reserveBytes}. Either
 * limit ends the unpack with RESOURCE_EXHAUSTED (the caller prefixes the layer's digest
 * and discards the partial snapshot). Counted on the decompressed stream, so bytes after the tar's end
 * marker count too.
 */
public final class UnpackBudget extends ObservedInputStream {
  static final long CHECK_EVERY = 8L * 1024 * 1024;

  /** The limits; {@code reserveBytes} 0 turns the free-space check off. */
  public record Limits(long maxBytes, long reserveBytes) {
    public static final Limits NONE = new Limits(Long.MAX_VALUE, 0);

    public Limits {
      if (maxBytes < 1 || reserveBytes < 0) {
        throw new IllegalArgumentException("maxBytes must be positive and reserveBytes not negative");
      }
    }
  }

  private final Limits limits;
  private final FileStore fileStore;
  private final Path target;
  private long read;
  private long nextCheck;
  private long written;
  private long nextWrittenCheck = CHECK_EVERY;

  /** @param target a directory on the filesystem the layer is written to */
  public UnpackBudget(InputStream in, Limits limits, Path target) throws IOException {
    super(in);
    this.limits = limits;
    this.target = target;
    this.fileStore = limits.reserveBytes() > 0 ? Files.getFileStore(target) : null;
    checkFreeSpace();
    this.nextCheck = CHECK_EVERY;
  }

  @Override
  protected void observe(byte[] bytes, int offset, int length) throws IOException {
    read += length;
    if (read > limits.maxBytes()) {
      throw new ImageStoreException(ImageStoreException.Kind.RESOURCE_EXHAUSTED, "it unpacks to more than "
          + limits.maxBytes() + " bytes, the cap set by image.max_layer_unpacked_bytes");
    }
    if (read >= nextCheck) {
      nextCheck = read + CHECK_EVERY;
      checkFreeSpace();
    }
  }

  /**
   * Charges file content the unpacker wrote: a sparse entry writes far more than the stream
   * carries, so what lands on disk is held to the same cap and reserve.
   */
  public void chargeWritten(long bytes) throws IOException {
    written += bytes;
    if (written > limits.maxBytes()) {
      throw new ImageStoreException(ImageStoreException.Kind.RESOURCE_EXHAUSTED, "its files add up to more than "
          + limits.maxBytes() + " bytes, the cap set by image.max_layer_unpacked_bytes");
    }
    if (written >= nextWrittenCheck) {
      nextWrittenCheck = written + CHECK_EVERY;
      checkFreeSpace();
    }
  }

  private void checkFreeSpace() throws IOException {
    if (fileStore == null) {
      return;
    }
    long free = fileStore.getUsableSpace();
    if (free < limits.reserveBytes()) {
      throw new ImageStoreException(ImageStoreException.Kind.RESOURCE_EXHAUSTED, "unpacking stopped: free space on the filesystem of " + target + " is " + free + " bytes, below the reserve of "
          + limits.reserveBytes() + " bytes set by image.free_space_reserve_bytes");
    }
  }
}
