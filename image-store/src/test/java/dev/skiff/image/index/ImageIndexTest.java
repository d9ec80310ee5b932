package dev.skiff.image.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.index.ImageRecord.LayerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIndexTest {
  @TempDir
  Path dir;

  private static String id(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  private static ImageRecord image(char c, String tag, long pulledAt) {
    return new ImageRecord(id(c), List.of(tag), List.of("docker.io/library/busybox@" + id((char) (c + 1))), 100,
        List.of(id((char) (c + 1))), List.of(new LayerRecord(id('e'), 10, id('e'), id('e'))), false, pulledAt);
  }

  @Test
  void survivesRestart() throws IOException {
    ImageIndex index = new ImageIndex(dir);
    index.put(image('a', "docker.io/library/busybox:latest", 1));
    ImageIndex reopened = new ImageIndex(dir);
    assertEquals(index.list(), reopened.list());
    assertEquals(id('a'), reopened.resolve("busybox").orElseThrow().id());
  }

  @Test
  void resolvesByIdPrefixTagAndDigest() throws IOException {
    ImageIndex index = new ImageIndex(dir);
    index.put(image('a', "docker.io/library/busybox:latest", 1));
    index.put(image('c', "registry.k8s.io/pause:3.9", 2));
    assertEquals(id('a'), index.resolve(id('a')).orElseThrow().id());
    assertEquals(id('a'), index.resolve("a".repeat(64)).orElseThrow().id());
    assertEquals(id('a'), index.resolve("aaaaaaaaaaaa").orElseThrow().id());
    assertEquals(id('c'), index.resolve("registry.k8s.io/pause:3.9").orElseThrow().id());
    assertEquals(id('a'), index.resolve("docker.io/library/busybox@" + id('b')).orElseThrow().id());
    assertEquals(id('a'), index.resolve("busybox@" + id('b')).orElseThrow().id());
    assertFalse(index.resolve("busybox:other").isPresent());
    assertFalse(index.resolve(id('f')).isPresent());
    assertThrows(ImageStoreException.class, () -> index.resolve("Bad Ref"));
  }

  @Test
  void aTagMovesToTheNewestImage() throws IOException {
    ImageIndex index = new ImageIndex(dir);
    index.put(image('a', "docker.io/library/busybox:latest", 1));
    index.put(image('c', "docker.io/library/busybox:latest", 2));
    assertEquals(List.of(), index.get(id('a')).orElseThrow().repoTags());
    assertEquals(List.of("docker.io/library/busybox:latest"), new ImageIndex(dir).get(id('c')).orElseThrow().repoTags());
  }

  @Test
  void aTagLeftOnTwoImagesByACrashEndsOnTheNewest() throws IOException {
    ImageIndex.JSON.writeValue(dir.resolve("a".repeat(64) + ".json").toFile(), image('a', "x.io/r:t", 5));
    ImageIndex.JSON.writeValue(dir.resolve("c".repeat(64) + ".json").toFile(), image('c', "x.io/r:t", 3));
    ImageIndex index = new ImageIndex(dir);
    assertEquals(List.of("x.io/r:t"), index.get(id('a')).orElseThrow().repoTags());
    assertEquals(List.of(), index.get(id('c')).orElseThrow().repoTags());
  }

  @Test
  void tornWritesAreDeletedAndCorruptRecordsSetAside() throws IOException {
    Files.writeString(dir.resolve(".tmp-" + "a".repeat(64) + ".json-1234"), "{\"id\":");
    Files.writeString(dir.resolve("b".repeat(64) + ".json"), "not json");
    ImageIndex index = new ImageIndex(dir);
    assertTrue(index.list().isEmpty());
    assertTrue(Files.exists(dir.resolve("b".repeat(64) + ".json.corrupt")));
    assertFalse(Files.exists(dir.resolve(".tmp-" + "a".repeat(64) + ".json-1234")));
  }

  @Test
  void removeIsDurable() throws IOException {
    ImageIndex index = new ImageIndex(dir);
    index.put(image('a', "docker.io/library/busybox:latest", 1));
    assertTrue(index.remove(id('a')).isPresent());
    assertFalse(index.remove(id('a')).isPresent());
    assertTrue(new ImageIndex(dir).list().isEmpty());
  }
}
