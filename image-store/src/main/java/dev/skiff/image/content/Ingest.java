package dev.skiff.image.content;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * One blob being written: bytes go to a temp file in the ingest directory and through
 * SHA-256. {@link #commit()} checks size and digest, fsyncs and renames the file into the
 * store; {@link #close()} without a commit deletes the temp file, so nothing half-written
 * or wrong is ever visible.
 */
public final class Ingest implements AutoCloseable {
  private final ContentStore store;
  private final Digest expected;
  private final long expectedSize;
  private final Path temp;
  private final FileChannel channel;
  private final MessageDigest sha256 = Digest.newSha256();
  private long written;
  private boolean committed;

  Ingest(ContentStore store, Digest expected, long expectedSize, Path ingestDir) throws IOException {
    this.store = store;
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.temp = Files.createTempFile(ingestDir, expected.hex() + "-", ".partial");
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
  }

  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (expectedSize >= 0 && written + length > expectedSize) {
      throw ImageStoreException.badContent("blob " + expected + " is larger than the " + expectedSize
          + " bytes its descriptor declares");
    }
    sha256.update(bytes, offset, length);
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    written += length;
  }

  public void copyFrom(InputStream in) throws IOException {
    byte[] buffer = new byte[128 * 1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      write(buffer, 0, n);
    }
  }

  public long written() {
    return written;
  }

  /** Verifies and publishes the blob; returns its path in the store. */
  public Path commit() throws IOException {
    if (expectedSize >= 0 && written != expectedSize) {
      throw ImageStoreException.badContent("blob " + expected + " has " + written + " bytes, its descriptor declares "
          + expectedSize);
    }
    Digest actual = Digest.fromBytes(sha256.digest());
    if (!actual.equals(expected)) {
      throw ImageStoreException.badContent("blob " + expected + " has digest " + actual + " (content does not match)");
    }
    channel.force(true);
    channel.close();
    store.publish(temp, expected);
    committed = true;
    return store.path(expected);
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      channel.close();
    }
    if (!committed) {
      Files.deleteIfExists(temp);
    }
  }
}
