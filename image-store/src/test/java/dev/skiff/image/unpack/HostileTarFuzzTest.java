package dev.skiff.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated hostile layers: random sequences of entries whose names and link targets are
 * drawn from traversal tricks (dot-dot, absolute paths, symlinks to the outside followed
 * by writes through them, hardlinks out, whiteouts of dot-dot), plus byte-flipped valid
 * archives. Whatever the unpacker does, nothing beside the snapshot directory may change,
 * and failures must be the store's own exceptions, never a crash.
 */
class HostileTarFuzzTest {
  private static final int ROUNDS = 400;

  @TempDir
  Path temp;

  private static final List<String> COMPONENTS = List.of("s", "s", "a", "h", "..", ".", "new", "secret", "outside",
      ".wh.s", ".wh..wh..opq", ".wh...");

  /** A name of 1-3 components, mostly ordinary ones; sometimes absolute (into the outside directory). */
  private static String name(Random random, Path outside) {
    if (random.nextInt(12) == 0) {
      return outside + "/" + (random.nextBoolean() ? "new" : "secret");
    }
    StringBuilder name = new StringBuilder();
    int depth = 1 + random.nextInt(3);
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        name.append('/');
      }
      name.append(COMPONENTS.get(random.nextInt(COMPONENTS.size())));
    }
    return name.toString();
  }

  private static String target(Random random, Path outside) {
    return switch (random.nextInt(8)) {
      case 0 -> outside.toString();
      case 1 -> outside + "/secret";
      case 2 -> "../outside";
      case 3 -> "../../outside/secret";
      case 4 -> "/";
      case 5 -> "../../../../../..";
      case 6 -> "s/../../outside";
      default -> name(random, outside);
    };
  }

  @Test
  void generatedHostileArchivesNeverTouchAnythingOutside() throws IOException {
    Random random = new Random(20261125L);
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createDirectory(temp.resolve("round-" + round));
      Path outside = Files.createDirectory(dir.resolve("outside"));
      Files.writeString(outside.resolve("secret"), "keep");
      Path root = Files.createDirectory(dir.resolve("snapshot"));
      byte[] tar = randomArchive(random, outside);
      runAndCheck(tar, dir, root, outside, "round " + round);
    }
  }

  @Test
  void corruptedArchivesFailCleanly() throws IOException {
    Random random = new Random(42L);
    byte[] valid = new TarBuilder().dir("etc", 0755).file("etc/passwd", "root:x:0:0").symlink("bin", "usr/bin")
        .hardlink("etc/group", "etc/passwd").file("usr/bin/busybox", "BB".repeat(300)).build();
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createDirectory(temp.resolve("flip-" + round));
      Path outside = Files.createDirectory(dir.resolve("outside"));
      Files.writeString(outside.resolve("secret"), "keep");
      Path root = Files.createDirectory(dir.resolve("snapshot"));
      byte[] tar = valid.clone();
      int flips = 1 + random.nextInt(8);
      for (int i = 0; i < flips; i++) {
        int at = random.nextInt(Math.min(tar.length, 4096));
        tar[at] = (byte) random.nextInt(256);
      }
      runAndCheck(tar, dir, root, outside, "flip round " + round);
    }
  }

  private byte[] randomArchive(Random random, Path outside) {
    TarBuilder tar = new TarBuilder();
    int entries = 1 + random.nextInt(8);
    for (int i = 0; i < entries; i++) {
      String name = name(random, outside);
      String target = target(random, outside);
      try {
        switch (random.nextInt(6)) {
          case 0 -> tar.file(name, "pwned");
          case 1 -> tar.dir(name, 0755);
          case 2, 3 -> tar.symlink(name, target);
          case 4 -> tar.hardlink(name, target);
          default -> tar.device(name, random.nextBoolean() ? TarConstants.LF_CHR : TarConstants.LF_FIFO, 1, 3);
        }
      } catch (RuntimeException e) {
        // The writer refused a name (e.g. a file named "."); skip that entry.
      }
    }
    return tar.build();
  }

  private void runAndCheck(byte[] tar, Path dir, Path root, Path outside, String round) throws IOException {
    try {
      LayerUnpacker.unpack(new ByteArrayInputStream(tar), root);
    } catch (ImageStoreException | IOException expected) {
      // Refusing is fine; what matters is below.
    } catch (RuntimeException e) {
      fail(round + ": unexpected " + e, e);
    }
    try (var entries = Files.list(dir)) {
      assertEquals(2, entries.count(), round + ": something was created beside the snapshot");
    }
    try (var entries = Files.list(outside)) {
      assertEquals(1, entries.count(), round + ": something was created outside");
    }
    assertEquals("keep", Files.readString(outside.resolve("secret")), round);
    assertTrue(Files.isRegularFile(outside.resolve("secret"), LinkOption.NOFOLLOW_LINKS), round);
    assertEquals(1, ((Number) Files.getAttribute(outside.resolve("secret"), "unix:nlink")).intValue(),
        round + ": the outside file gained a hardlink");
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        assertTrue(file.normalize().startsWith(root), round + ": " + file);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
