package dev.skiff.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryUsageTest {
  @TempDir Path tmp;

  @Test
  void countsBytesOfFilesAndEveryInodeOnceEvenWithHardLinks() throws IOException {
    Path upper = Files.createDirectories(tmp.resolve("upper/tmp"));
    Files.write(upper.resolve("big"), new byte[100_000]);
    Files.write(upper.resolve("small"), new byte[10]);
    Files.createLink(upper.resolve("big-link"), upper.resolve("big"));
    Files.createSymbolicLink(upper.resolve("sym"), Path.of("/nowhere/at/all"));

    DirectoryUsage usage = DirectoryUsage.of(tmp.resolve("upper"));

    // upper, upper/tmp, big (= big-link), small, sym
    assertEquals(5, usage.inodes());
    assertEquals(100_000 + 10 + "/nowhere/at/all".length(), usage.bytes());
  }

  @Test
  void aMissingDirectoryUsesNothing() throws IOException {
    assertEquals(DirectoryUsage.NONE, DirectoryUsage.of(tmp.resolve("gone")));
  }
}
