package dev.skiff.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.testing.RawTar;
import dev.skiff.image.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
  @TempDir
  Path temp;
  Path root;
  Path outside;

  @BeforeEach
  void layout() throws IOException {
    root = Files.createDirectory(temp.resolve("snapshot"));
    outside = Files.createDirectory(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "keep");
  }

  private void unpack(byte[] tar) throws IOException {
    LayerUnpacker.unpack(new ByteArrayInputStream(tar), root);
  }

  private int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void writesFilesDirsLinksDevicesWithTheirMetadata() throws IOException {
    unpack(new TarBuilder()
        .dir("./", 0755)
        .dir("bin", 0711)
        .file("bin/busybox", "BB".getBytes(StandardCharsets.UTF_8), 04755, 1000, 1001, Map.of())
        .symlink("bin/sh", "busybox")
        .symlink("bin/abs", "/bin/busybox")
        .hardlink("bin/ls", "bin/busybox")
        .device("dev/null", TarConstants.LF_CHR, 1, 3)
        .device("dev/loop0", TarConstants.LF_BLK, 7, 0)
        .device("run/fifo", TarConstants.LF_FIFO, 0, 0)
        .file("etc/xattr", "x".getBytes(StandardCharsets.UTF_8), 0600, 0, 0,
            Map.of("SCHILY.xattr.user.origin", "skiff", "SCHILY.xattr.trusted.overlay.opaque", "y"))
        .build());

    Path busybox = root.resolve("bin/busybox");
    assertEquals("BB", Files.readString(busybox));
    assertEquals(0104755, mode(busybox));
    assertEquals(1000, Files.getAttribute(busybox, "unix:uid"));
    assertEquals(1001, Files.getAttribute(busybox, "unix:gid"));
    assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(busybox));
    assertEquals(040711, mode(root.resolve("bin")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
    assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(root.resolve("bin/abs")));
    assertEquals(Files.getAttribute(busybox, "unix:ino"), Files.getAttribute(root.resolve("bin/ls"), "unix:ino"));
    assertEquals(FileSystemCalls.makedev(1, 3), ((Number) Files.getAttribute(root.resolve("dev/null"), "unix:rdev")).longValue());
    assertEquals(0020000, mode(root.resolve("dev/null")) & 0170000);
    assertEquals(0060000, mode(root.resolve("dev/loop0")) & 0170000);
    assertEquals(0010000, mode(root.resolve("run/fifo")) & 0170000);
    assertArrayEquals("skiff".getBytes(StandardCharsets.UTF_8),
        FileSystemCalls.lgetxattr(root.resolve("etc/xattr"), "user.origin"));
    assertNull(FileSystemCalls.lgetxattr(root.resolve("etc/xattr"), "trusted.overlay.opaque"),
        "overlay xattrs from the archive are dropped");
  }

  @Test
  void translatesWhiteoutsAndOpaqueDirectories() throws IOException {
    unpack(new TarBuilder()
        .file("etc/.wh.motd", "")
        .dir("var/cache", 0755)
        .file("var/cache/.wh..wh..opq", "")
        .file("var/cache/new", "n")
        .build());
    Path whiteout = root.resolve("etc/motd");
    assertEquals(0020000, mode(whiteout) & 0170000);
    assertEquals(0L, ((Number) Files.getAttribute(whiteout, "unix:rdev")).longValue());
    assertFalse(Files.exists(root.resolve("etc/.wh.motd"), LinkOption.NOFOLLOW_LINKS));
    assertArrayEquals(new byte[] {'y'}, FileSystemCalls.lgetxattr(root.resolve("var/cache"), "trusted.overlay.opaque"));
    assertFalse(Files.exists(root.resolve("var/cache/.wh..wh..opq")));
    assertEquals("n", Files.readString(root.resolve("var/cache/new")));
  }

  @Test
  void laterEntryReplacesEarlierOne() throws IOException {
    unpack(new TarBuilder().file("a", "one").dir("d", 0755).file("d/x", "x").file("a", "two").file("d", "now a file").build());
    assertEquals("two", Files.readString(root.resolve("a")));
    assertEquals("now a file", Files.readString(root.resolve("d")));
  }

  @Test
  void directoryTimesSurviveTheirChildren() throws IOException {
    TarBuilder tar = new TarBuilder();
    tar.dir("d", 0755);
    tar.file("d/f", "f");
    unpack(tar.build());
    // TarBuilder.dir leaves mtime "now"; what matters is it is not changed by creating d/f after it.
    long dirTime = Files.getLastModifiedTime(root.resolve("d")).toMillis();
    assertTrue(Math.abs(dirTime - System.currentTimeMillis()) < 60_000);
  }

  private void assertRefused(byte[] tar, String expectedInMessage) throws IOException {
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> unpack(tar));
    assertEquals(ImageStoreException.Kind.BAD_CONTENT, e.kind());
    assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    assertOutsideUntouched();
  }

  private void assertOutsideUntouched() throws IOException {
    try (var entries = Files.list(temp)) {
      assertEquals(2, entries.count(), "nothing created beside the snapshot");
    }
    try (var entries = Files.list(outside)) {
      assertEquals(1, entries.count());
    }
    assertEquals("keep", Files.readString(outside.resolve("secret")));
  }

  @Test
  void refusesDotDotNames() throws IOException {
    assertRefused(new TarBuilder().file("../outside/secret", "pwned").build(), "'../outside/secret'");
    assertRefused(new TarBuilder().file("a/../../outside/x", "pwned").build(), "'..'");
  }

  @Test
  void refusesAbsoluteNames() throws IOException {
    assertRefused(new TarBuilder().file(outside.resolve("secret").toString(), "pwned").build(), "absolute");
  }

  @Test
  void refusesWritingThroughASymlinkedDirectory() throws IOException {
    assertRefused(new TarBuilder().symlink("evil", outside.toString()).file("evil/secret", "pwned").build(),
        "'evil', which is a symlink");
  }

  @Test
  void keepsSymlinkTargetsThatClimbOrAreAbsoluteAsData() throws IOException {
    // As containerd does: a target is resolved later inside the container's root, where
    // ".." at "/" stays at "/"; the unpacker never follows it.
    unpack(new TarBuilder()
        .file("bin/busybox", "BB")
        .symlink("usr/bin/x", "../../../bin/busybox")
        .symlink("a/up", "../../outside")
        .symlink("abs", outside.toString())
        .symlink("evil", "../../..")
        .build());
    assertEquals(Path.of("../../../bin/busybox"), Files.readSymbolicLink(root.resolve("usr/bin/x")));
    assertEquals(Path.of("../../outside"), Files.readSymbolicLink(root.resolve("a/up")));
    assertEquals(outside, Files.readSymbolicLink(root.resolve("abs")));
    assertEquals(Path.of("../../.."), Files.readSymbolicLink(root.resolve("evil")));
    assertOutsideUntouched();
  }

  @Test
  void refusesWritingThroughAClimbingSymlink() throws IOException {
    assertRefused(new TarBuilder().symlink("evil", "../../..").file("evil/x", "pwned").build(),
        "'evil', which is a symlink");
    assertRefused(new TarBuilder().symlink("evil", "..").dir("evil/outside", 0755).build(), "which is a symlink");
    assertRefused(new TarBuilder().symlink("evil", "../outside").file("evil/.wh.secret", "").build(),
        "which is a symlink");
    assertRefused(new TarBuilder().dir("d", 0755).symlink("d/up", "../../outside").file("d/up/.wh..wh..opq", "").build(),
        "which is a symlink");
  }

  @Test
  void refusesWritingThroughAnAbsoluteSymlinkToEtc() throws IOException {
    assertRefused(new TarBuilder().symlink("evil", "/etc").file("evil/passwd", "root::0:0::/:/bin/sh").build(),
        "'evil', which is a symlink");
  }

  @Test
  void refusesHardlinksOutOfTheLayer() throws IOException {
    assertRefused(new TarBuilder().hardlink("h", "../outside/secret").build(), "'..'");
    assertRefused(new TarBuilder().hardlink("h", "../../etc/passwd").build(), "'..'");
    assertRefused(new TarBuilder().symlink("up", "../../..").hardlink("h", "up/etc/passwd").build(),
        "does not name a file unpacked in this layer");
    assertRefused(new TarBuilder().hardlink("h", outside.resolve("secret").toString()).build(), "absolute");
    assertRefused(new TarBuilder().symlink("s", outside.toString()).hardlink("h", "s/secret").build(),
        "does not name a file unpacked in this layer");
    assertRefused(new TarBuilder().hardlink("h", "missing").build(), "does not name a file");
  }

  @Test
  void overwritingASymlinkReplacesTheLinkNotItsTarget() throws IOException {
    unpack(new TarBuilder().symlink("s", outside.resolve("secret").toString()).file("s", "mine").build());
    assertEquals("mine", Files.readString(root.resolve("s")));
    assertFalse(Files.isSymbolicLink(root.resolve("s")));
    assertOutsideUntouched();
  }

  @Test
  void refusesWhiteoutsThatNameNothing() throws IOException {
    assertRefused(new TarBuilder().file("a/.wh...", "").build(), "names no valid file");
    assertRefused(new TarBuilder().file(".wh.", "").build(), "names no valid file");
  }

  @Test
  void refusesAFileNamedAsTheRoot() throws IOException {
    assertRefused(new TarBuilder().file(".", "x").build(), "root");
  }

  // security.capability as the kernel stores it (vfs_cap_data v2): magic 0x02000001
  // (effective), permitted = CAP_SETUID | CAP_SETFCAP, so bytes 0x80 that are no UTF-8.
  private static final byte[] CAPABILITY = {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0x00, 0x00, (byte) 0x80, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] BINARY = {0x01, 0x00, (byte) 0xff, (byte) 0xfe, (byte) 0x80, (byte) 0xc3, 0x28};

  @Test
  void binaryPaxXattrValuesAreSetByteForByte() throws IOException {
    byte[] bigContent = new byte[700];
    java.util.Arrays.fill(bigContent, (byte) 'p');
    unpack(new RawTar()
        .dir("bin")
        .pax('x', Map.of("SCHILY.xattr.security.capability", CAPABILITY, "SCHILY.xattr.user.bin", BINARY))
        .file("bin/ping", bigContent)
        .file("bin/plain", "no xattrs".getBytes(StandardCharsets.UTF_8))
        .pax('x', Map.of("SCHILY.xattr.user.nul", new byte[] {0, 0, (byte) 0xff}))
        .dir("etc")
        .build());
    Path ping = root.resolve("bin/ping");
    assertEquals(700, Files.size(ping));
    assertArrayEquals(CAPABILITY, FileSystemCalls.lgetxattr(ping, "security.capability"));
    assertArrayEquals(BINARY, FileSystemCalls.lgetxattr(ping, "user.bin"));
    assertNull(FileSystemCalls.lgetxattr(root.resolve("bin/plain"), "user.bin"), "a local PAX header applies to one entry");
    assertArrayEquals(new byte[] {0, 0, (byte) 0xff}, FileSystemCalls.lgetxattr(root.resolve("etc"), "user.nul"));
  }

  @Test
  void globalPaxXattrsApplyToEveryLaterEntryUnlessALocalHeaderUnsetsThem() throws IOException {
    unpack(new RawTar()
        .file("before", new byte[0])
        .pax('g', Map.of("SCHILY.xattr.user.global", BINARY))
        .file("a", "a".getBytes(StandardCharsets.UTF_8))
        .pax('x', Map.of("SCHILY.xattr.user.global", new byte[0]))
        .file("b", "b".getBytes(StandardCharsets.UTF_8))
        .file("c", "c".getBytes(StandardCharsets.UTF_8))
        .build());
    assertNull(FileSystemCalls.lgetxattr(root.resolve("before"), "user.global"));
    assertArrayEquals(BINARY, FileSystemCalls.lgetxattr(root.resolve("a"), "user.global"));
    assertNull(FileSystemCalls.lgetxattr(root.resolve("b"), "user.global"));
    assertArrayEquals(BINARY, FileSystemCalls.lgetxattr(root.resolve("c"), "user.global"));
  }

  @Test
  void rawXattrsFollowLongNamesFromGnuAndPaxHeaders() throws IOException {
    String gnuName = "d/" + "g".repeat(150);
    String paxName = "d/" + "p".repeat(150);
    unpack(new RawTar()
        .gnuLongName(gnuName)
        .pax('x', Map.of("SCHILY.xattr.user.gnu", BINARY))
        .file("d/truncated-by-gnu", "g".getBytes(StandardCharsets.UTF_8))
        .pax('x', Map.of("path", paxName.getBytes(StandardCharsets.UTF_8), "SCHILY.xattr.user.pax", CAPABILITY))
        .file("d/truncated-by-pax", "p".getBytes(StandardCharsets.UTF_8))
        .build());
    assertArrayEquals(BINARY, FileSystemCalls.lgetxattr(root.resolve(gnuName), "user.gnu"));
    assertArrayEquals(CAPABILITY, FileSystemCalls.lgetxattr(root.resolve(paxName), "user.pax"));
  }

  @Test
  void libarchiveBase64XattrsStayExact() throws IOException {
    unpack(new TarBuilder().file("f", "f".getBytes(StandardCharsets.UTF_8), 0644, 0, 0,
        Map.of("LIBARCHIVE.xattr.user.lib", java.util.Base64.getEncoder().encodeToString(BINARY))).build());
    assertArrayEquals(BINARY, FileSystemCalls.lgetxattr(root.resolve("f"), "user.lib"));
  }

  @Test
  void reportsTheDirectoriesCreatedOnlyAsParents() throws IOException {
    LayerUnpacker.Result result = LayerUnpacker.unpack(new ByteArrayInputStream(new TarBuilder()
        .file("a/b/c", "c").dir("a", 0700).file("x/y", "y").build()), root);
    assertEquals(Map.of(new EntryPath(java.util.List.of("a", "b")), "a/b/c", new EntryPath(java.util.List.of("x")), "x/y"),
        result.implicitDirectories());
  }

  @Test
  void paxMtimeKeepsItsNanoseconds() throws IOException {
    unpack(new RawTar()
        .pax('x', Map.of("mtime", "1600000000.123456789".getBytes(StandardCharsets.UTF_8)))
        .file("precise", "p".getBytes(StandardCharsets.UTF_8))
        .build());
    assertEquals(java.time.Instant.ofEpochSecond(1_600_000_000L, 123_456_789L),
        Files.getLastModifiedTime(root.resolve("precise")).toInstant());
  }
}
