package dev.skiff.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointArchiveTest {
  @TempDir
  Path dir;

  @Test
  void archiveAppearsWholeWithMetadataFirstAndOnlyForItsOwner() throws Exception {
    Path staging = staging();
    Path out = Files.createDirectories(dir.resolve("out"));
    Path location = out.resolve("x.tar");
    Files.writeString(location, "an older archive");
    CheckpointArchive.write(staging, location, dir.resolve("pending"), Deadline.after(Duration.ofMinutes(1)));

    TarEntries read = TarEntries.read(location);
    assertEquals(List.of("config.dump", "spec.dump", "checkpoint/", "checkpoint/inventory.img", "rootfs-diff.tar"),
        List.copyOf(read.entries.keySet()));
    assertEquals("{\"id\":\"c1\"}", read.text("config.dump"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(location)));
    assertEquals(List.of(location), list(out), "no temp file is left");
    assertEquals(List.of(), list(dir.resolve("pending")));
  }

  @Test
  void aPassedDeadlineLeavesNothingAtTheLocation() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path location = out.resolve("x.tar");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointArchive.write(staging(), location, dir.resolve("pending"), Deadline.after(Duration.ZERO)));
    assertEquals(CheckpointException.Kind.DEADLINE, e.kind());
    assertTrue(e.getMessage().startsWith("checkpoint timed out after 0 s while writing the archive"), e.getMessage());
    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(dir.resolve("pending")));
  }

  @Test
  void locationsThatCannotHoldAnArchiveAreInvalid() throws Exception {
    assertInvalid(Path.of("relative.tar"), "is not an absolute path");
    assertInvalid(dir.resolve("missing/x.tar"), "directory " + dir.resolve("missing") + " does not exist");
    assertInvalid(dir, "is a directory");
    assertInvalid(Path.of("/"), "names no file");
    CheckpointArchive.checkLocation(dir.resolve("fine.tar"));
  }

  @Test
  void cleanPendingRemovesWhatACrashLeftAndNothingElse() throws Exception {
    Path pending = Files.createDirectories(dir.resolve("pending"));
    Path leftover = Files.writeString(dir.resolve(".x.tar" + CheckpointArchive.TEMP_MARK + "1234abcd"), "half");
    Path innocent = Files.writeString(dir.resolve("precious.txt"), "keep me");
    Files.writeString(pending.resolve("1234abcd"), leftover.toString());
    Files.writeString(pending.resolve("feedbeef"), innocent.toString());
    CheckpointArchive.cleanPending(pending);
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(innocent), "a marker naming another file never deletes it");
    assertEquals(List.of(), list(pending));
  }

  private void assertInvalid(Path location, String text) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointArchive.checkLocation(location));
    assertEquals(CheckpointException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  private Path staging() throws Exception {
    Path staging = Files.createDirectories(dir.resolve("staging/checkpoint"));
    Files.writeString(staging.resolve("inventory.img"), "criu");
    Files.writeString(staging.resolveSibling("rootfs-diff.tar"), "tar");
    Files.writeString(staging.resolveSibling("spec.dump"), "{}");
    Files.writeString(staging.resolveSibling("config.dump"), "{\"id\":\"c1\"}");
    return staging.getParent();
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
