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
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upper directory laid out as OverlayFS leaves it: files, a symlink, a hard link, whiteouts. */
class RootfsDiffTest {
  @TempDir
  Path dir;

  @Test
  void writtenFilesGoInTheTarAndWhiteoutsBecomeDeletedFiles() throws Exception {
    Path upper = Files.createDirectories(dir.resolve("upper"));
    Files.createDirectories(upper.resolve("var/log"));
    Files.writeString(upper.resolve("var/log/count.txt"), "1\n2\n3\n");
    Files.setPosixFilePermissions(upper.resolve("var/log/count.txt"), PosixFilePermissions.fromString("rw-r-----"));
    Files.createSymbolicLink(upper.resolve("var/current"), Path.of("log/count.txt"));
    Files.createLink(upper.resolve("var/log/again.txt"), upper.resolve("var/log/count.txt"));
    Files.createDirectories(upper.resolve("etc"));
    mknodWhiteout(upper.resolve("etc/motd"));
    // What the runtime made: mount points and bind targets, left out as CRI-O leaves them out.
    Files.createDirectories(upper.resolve("proc"));
    Files.createDirectories(upper.resolve("dev"));
    Files.writeString(upper.resolve("etc/hosts"), "");
    Files.writeString(upper.resolve("dev/written-below-a-mount-point"), "x");

    Path tar = dir.resolve("rootfs-diff.tar");
    List<String> deleted = RootfsDiff.write(upper, Set.of("/etc/hosts"), tar, Deadline.after(Duration.ofMinutes(1)));

    assertEquals(List.of("/etc/motd"), deleted);
    TarEntries read = TarEntries.read(tar);
    // The two names of one inode: the first walked carries the content, the other links to it.
    TarArchiveEntry count = read.entries.get("var/log/count.txt");
    TarArchiveEntry again = read.entries.get("var/log/again.txt");
    assertTrue(count.isLink() != again.isLink(), "one hard link and one file: " + read.entries.keySet());
    TarArchiveEntry content = count.isLink() ? again : count;
    TarArchiveEntry hard = count.isLink() ? count : again;
    assertEquals("1\n2\n3\n", read.text(content.getName()));
    assertEquals(content.getName(), hard.getLinkName());
    assertEquals(0640, content.getMode());
    assertEquals(0, content.getLongUserId());
    TarArchiveEntry link = read.entries.get("var/current");
    assertTrue(link.isSymbolicLink());
    assertEquals("log/count.txt", link.getLinkName());
    assertTrue(read.entries.get("var/").isDirectory());
    assertTrue(read.entries.containsKey("etc/"));
    assertFalse(read.entries.containsKey("etc/motd"), "a whiteout is not a file");
    assertFalse(read.entries.containsKey("etc/hosts"), "a bind target is the runtime's");
    assertFalse(read.entries.containsKey("proc/"), read.entries.keySet().toString());
    assertFalse(read.entries.containsKey("dev/"), read.entries.keySet().toString());
    assertEquals("x", read.text("dev/written-below-a-mount-point"));
  }

  @Test
  void aPassedDeadlineStopsTheWalk() throws Exception {
    Path upper = Files.createDirectories(dir.resolve("upper/a/b"));
    Deadline passed = Deadline.after(Duration.ZERO);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> RootfsDiff.write(dir.resolve("upper"), Set.of(), dir.resolve("t.tar"), passed));
    assertEquals(CheckpointException.Kind.DEADLINE, e.kind());
    assertTrue(Files.isDirectory(upper));
  }

  private static void mknodWhiteout(Path path) throws Exception {
    Process mknod = new ProcessBuilder("mknod", path.toString(), "c", "0", "0").inheritIO().start();
    assertEquals(0, mknod.waitFor(), "mknod (the tests run as root)");
  }
}
