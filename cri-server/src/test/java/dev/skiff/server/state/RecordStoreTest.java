package dev.skiff.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {
  record Sample(String id, int count, List<String> tags) {}

  @TempDir
  Path dir;

  @Test
  void recordsSurviveAReload() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("a", new Sample("a", 1, List.of("x")));
    store.put("b", new Sample("b", 2, List.of()));
    store.put("a", new Sample("a", 3, List.of("y", "z")));
    List<Sample> loaded = new RecordStore<>(dir.resolve("samples"), Sample.class).loadAll();
    assertEquals(2, loaded.size());
    assertTrue(loaded.contains(new Sample("a", 3, List.of("y", "z"))));
    assertTrue(loaded.contains(new Sample("b", 2, List.of())));
  }

  @Test
  void tornTempFileIsIgnoredAndDeletedAtReload() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("a", new Sample("a", 1, List.of()));
    // A crash between write and rename leaves a half-written temp file beside the record.
    Path torn = dir.resolve("samples/a.json.4242.1.tmp");
    Files.writeString(torn, "{\"id\":\"a\",\"cou");
    List<Sample> loaded = store.loadAll();
    assertEquals(List.of(new Sample("a", 1, List.of())), loaded);
    assertFalse(Files.exists(torn));
  }

  @Test
  void aRecordWrittenForLaterSyncIsReadableAtOnceAndDurableAfterTheFuture() throws Exception {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Executor held = task -> new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    }).start();
    var durable = store.putSyncingLater("a", new Sample("a", 1, List.of("x")), held);
    // Before the fsync: another reader (a restarted skiffd after a crash of this one) sees it whole.
    assertFalse(durable.isDone());
    assertEquals(List.of(new Sample("a", 1, List.of("x"))), store.loadAll());
    release.countDown();
    durable.get(10, java.util.concurrent.TimeUnit.SECONDS);
    try (var files = Files.list(dir.resolve("samples"))) {
      assertEquals(List.of(dir.resolve("samples/a.json")), files.toList());
    }
  }

  @Test
  void anEmptyRecordIsATornWriteDeletedAtReload() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("good", new Sample("good", 1, List.of()));
    // A machine crash after the rename of an unsynced new record can leave it empty.
    Files.writeString(dir.resolve("samples/empty.json"), "");
    assertEquals(List.of(new Sample("good", 1, List.of())), store.loadAll());
    assertFalse(Files.exists(dir.resolve("samples/empty.json")));
    assertFalse(Files.exists(dir.resolve("samples/empty.json.corrupt")));
  }

  @Test
  void corruptRecordIsMovedAsideNotFatal() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("good", new Sample("good", 1, List.of()));
    Files.writeString(dir.resolve("samples/bad.json"), "not json");
    assertEquals(List.of(new Sample("good", 1, List.of())), store.loadAll());
    assertTrue(Files.exists(dir.resolve("samples/bad.json.corrupt")));
  }

  @Test
  void removeDeletesAndIsIdempotent() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("a", new Sample("a", 1, List.of()));
    store.remove("a");
    store.remove("a");
    assertTrue(store.loadAll().isEmpty());
  }

  @Test
  void idsThatCouldEscapeTheDirectoryAreRefused() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    assertThrows(IllegalArgumentException.class, () -> store.put("../evil", new Sample("x", 0, List.of())));
    assertThrows(IllegalArgumentException.class, () -> store.put("", new Sample("x", 0, List.of())));
  }

  @Test
  void writeLeavesNoTempFileBehind() throws IOException {
    RecordStore<Sample> store = new RecordStore<>(dir.resolve("samples"), Sample.class);
    store.put("a", new Sample("a", 1, List.of()));
    try (var files = Files.list(dir.resolve("samples"))) {
      assertEquals(List.of(dir.resolve("samples/a.json")), files.toList());
    }
  }
}
