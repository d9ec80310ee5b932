package dev.skiff.image.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ref.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  @TempDir
  Path root;

  private static final byte[] DATA = "layer bytes".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.of(DATA);

  private long filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void storesVerifiedContentByDigest() throws IOException {
    ContentStore store = new ContentStore(root);
    Path stored = store.fetch(DIGEST, DATA.length, () -> new ByteArrayInputStream(DATA));
    assertEquals(root.resolve("blobs/sha256/" + DIGEST.hex()), stored);
    assertArrayEquals(DATA, store.read(DIGEST));
    assertEquals(java.util.Set.of(DIGEST), store.list());
  }

  @Test
  void digestMismatchLeavesNoTrace() throws IOException {
    ContentStore store = new ContentStore(root);
    byte[] wrong = "other bytes".getBytes(StandardCharsets.UTF_8);
    ImageStoreException e = assertThrows(ImageStoreException.class,
        () -> store.fetch(DIGEST, wrong.length, () -> new ByteArrayInputStream(wrong)));
    assertEquals(ImageStoreException.Kind.BAD_CONTENT, e.kind());
    assertTrue(e.getMessage().contains(DIGEST.toString()), e.getMessage());
    assertFalse(store.contains(DIGEST));
    assertEquals(0, filesUnder(root));
  }

  @Test
  void sizeMismatchLeavesNoTrace() throws IOException {
    ContentStore store = new ContentStore(root);
    assertThrows(ImageStoreException.class, () -> store.fetch(DIGEST, DATA.length - 1, () -> new ByteArrayInputStream(DATA)));
    assertThrows(ImageStoreException.class, () -> store.fetch(DIGEST, DATA.length + 1, () -> new ByteArrayInputStream(DATA)));
    assertEquals(0, filesUnder(root));
  }

  @Test
  void failedSourceLeavesNoTrace() throws IOException {
    ContentStore store = new ContentStore(root);
    assertThrows(IOException.class, () -> store.fetch(DIGEST, DATA.length, () -> new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n++ < 3) {
          return 'l';
        }
        throw new IOException("connection reset");
      }
    }));
    assertEquals(0, filesUnder(root));
  }

  @Test
  void concurrentFetchesOfOneDigestShareOneDownload() throws Exception {
    ContentStore store = new ContentStore(root);
    AtomicInteger opens = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> store.fetch(DIGEST, DATA.length, () -> {
          opens.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          return new ByteArrayInputStream(DATA);
        })));
      }
      Thread.sleep(300);
      release.countDown();
      for (Future<Path> result : results) {
        assertEquals(store.path(DIGEST), result.get());
      }
      assertEquals(1, opens.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cleanIngestDeletesLeftovers() throws IOException {
    ContentStore store = new ContentStore(root);
    Files.writeString(root.resolve("ingest/" + DIGEST.hex() + "-123.partial"), "half");
    store.cleanIngest();
    assertEquals(0, filesUnder(root));
  }
}
